"""The wall's look and language: colours, type sizes, translations, number formats.

A layer below both the tiles (`cmwall.widgets`) and the shell (`cmwall.wall`), so
neither imports the other for them. Qt-free.
"""
