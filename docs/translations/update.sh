#!/usr/bin/env bash
# The wall's interface strings, from the sources to the compiled catalogues it ships:
#   extract  the English strings of wall/ widgets/ sync/ layouts/ (docs/translations/babel.cfg) -> messages.pot
#   update   merge messages.pot into catalogues/{hi,gu}/LC_MESSAGES/cmwall.po (then translate the new ones)
#   compile  the .po files -> .mo (package data; tests/test_translations.py checks they are up to date)
# With no argument: all three, in that order. Run from anywhere; uses the checkout's .venv.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYBABEL=${PYBABEL:-.venv/bin/pybabel}
CATALOGUES=widgets/look/catalogues
step=${1:-all}
if [[ $step == extract || $step == all ]]; then
  "$PYBABEL" -q extract -F docs/translations/babel.cfg --project="CM Wall" --copyright-holder="CM Wall contributors" --add-location=file --sort-output -o "$CATALOGUES/messages.pot" .
fi
if [[ $step == update || $step == all ]]; then
  "$PYBABEL" update -i "$CATALOGUES/messages.pot" -d "$CATALOGUES" -D cmwall --no-fuzzy-matching --ignore-obsolete
fi
if [[ $step == compile || $step == all ]]; then
  "$PYBABEL" compile -d "$CATALOGUES" -D cmwall --statistics
fi
