"""The unified social credit code (统一社会信用代码, GB 32100-2015): 18
characters from 0-9 and A-Z without I, O, Z, S, V; the last is a check
character, (31 − Σ value×weight mod 31) mod 31 over the first 17."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_character(first17: str) -> str:
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def uscc_valid(code: str) -> bool:
    """True for a well-formed code whose check character is right."""
    code = code.strip().upper()
    if len(code) != 18 or any(c not in ALPHABET for c in code):
        return False
    return uscc_check_character(code[:17]) == code[17]
