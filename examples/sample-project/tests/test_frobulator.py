import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from frobulator import frobulate  # noqa: E402


class FrobulateTest(unittest.TestCase):
    def test_reverses_and_shouts(self):
        self.assertEqual(frobulate("tox"), "XOT")

    def test_empty_word(self):
        self.assertEqual(frobulate(""), "")


if __name__ == "__main__":
    unittest.main()
