"""The few CLDR facts the wall prints with, per wall language. GENERATED: do not edit.

Made by docs/make_cldr_facts.py from Babel 2.19.0 (CLDR 49) for
en = en_IN, hi = hi_IN, gu = gu_IN. Run it again after upgrading Babel; tests/test_cldr_facts.py fails
when this file differs from what Babel says.

Why it exists: Babel keeps each locale's whole CLDR data it loads for the life of the
process (~4.8 MB for en_IN, ~1.1 MB per further language); the wall reads only these
symbols, names and rules of it (widgets/look/i18n.py), so it keeps only them.
"""

from typing import Final

# The CLDR locale of each wall language.
LOCALES: Final = {
    'en': 'en_IN',
    'hi': 'hi_IN',
    'gu': 'gu_IN',
}

# Decimal separator (Latin digits).
DECIMAL_SYMBOL: Final = {
    'en': '.',
    'hi': '.',
    'gu': '.',
}

# Group separator (Latin digits).
GROUP_SYMBOL: Final = {
    'en': ',',
    'hi': ',',
    'gu': ',',
}

# Month names, January first (format context).
MONTHS_WIDE: Final = {
    'en': (
        'January',
        'February',
        'March',
        'April',
        'May',
        'June',
        'July',
        'August',
        'September',
        'October',
        'November',
        'December',
    ),
    'hi': (
        'जनवरी',
        'फ़रवरी',
        'मार्च',
        'अप्रैल',
        'मई',
        'जून',
        'जुलाई',
        'अगस्त',
        'सितंबर',
        'अक्टूबर',
        'नवंबर',
        'दिसंबर',
    ),
    'gu': (
        'જાન્યુઆરી',
        'ફેબ્રુઆરી',
        'માર્ચ',
        'એપ્રિલ',
        'મે',
        'જૂન',
        'જુલાઈ',
        'ઑગસ્ટ',
        'સપ્ટેમ્બર',
        'ઑક્ટોબર',
        'નવેમ્બર',
        'ડિસેમ્બર',
    ),
}

# Day names, Monday first (format context).
DAYS_ABBREVIATED: Final = {
    'en': ('Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'),
    'hi': ('सोम', 'मंगल', 'बुध', 'गुरु', 'शुक्र', 'शनि', 'रवि'),
    'gu': ('સોમ', 'મંગળ', 'બુધ', 'ગુરુ', 'શુક્ર', 'શનિ', 'રવિ'),
}

# Day names in full, Monday first (format context).
DAYS_WIDE: Final = {
    'en': ('Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'),
    'hi': ('सोमवार', 'मंगलवार', 'बुधवार', 'गुरुवार', 'शुक्रवार', 'शनिवार', 'रविवार'),
    'gu': ('સોમવાર', 'મંગળવાર', 'બુધવાર', 'ગુરુવાર', 'શુક્રવાર', 'શનિવાર', 'રવિવાર'),
}

# Ordinal categories: (C expression of a whole n >= 0 giving an index, the categories it indexes).
ORDINAL_RULE: Final = {
    'en': (
        '(((((n % 10) == 3)) && (!(((n % 100) == 13)))) ? 2 : ((((n % 10) == 1)) && (!(((n % 100) == 11)))) ? 0 : ((((n % 10) == 2)) && (!(((n % 100) == 12)))) ? 1 : 3)',
        ('one', 'two', 'few', 'other'),
    ),
    'hi': (
        '(((n == 4)) ? 2 : ((n == 6)) ? 3 : ((n == 1)) ? 0 : ((n == 2) || (n == 3)) ? 1 : 4)',
        ('one', 'two', 'few', 'many', 'other'),
    ),
    'gu': (
        '(((n == 4)) ? 2 : ((n == 6)) ? 3 : ((n == 1)) ? 0 : ((n == 2) || (n == 3)) ? 1 : 4)',
        ('one', 'two', 'few', 'many', 'other'),
    ),
}
