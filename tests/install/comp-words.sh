# SPDX-License-Identifier: LGPL-2.1-or-later
# Sourced by tests/install/test-completion.sh and bench/complete-once.sh.
# comp_words LINE: the COMP_* variables bash sets for a TAB with the cursor at LINE's end.
# bash breaks words at spaces and at COMP_WORDBREAKS' '=' and ':' too; a trailing space starts
# a new, empty word.
comp_words() {
    local line=$1 spaced
    spaced=${line//=/ = }
    spaced=${spaced//:/ : }
    read -ra COMP_WORDS <<<"$spaced"
    [[ $line == *' ' ]] && COMP_WORDS+=("")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE=$line
    COMP_POINT=${#line}
    COMPREPLY=()
}
