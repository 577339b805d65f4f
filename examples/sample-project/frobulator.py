"""A tiny module for the sample project's tests to exercise."""


def frobulate(word: str) -> str:
    """Reverse a word and shout it."""
    return word[::-1].upper()
