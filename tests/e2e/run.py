"""run.py — run every end-to-end test module (test_*.py in this folder)
against the binary named by $LIUDONG_BIN, and end with one line:
"-- e2e (BINARY): N passed, N failed"."""
import os
import sys
import unittest
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def main():
    warnings.simplefilter("ignore", ResourceWarning)
    suite = unittest.defaultTestLoader.discover(HERE, pattern="test_*.py")
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    failed = len(result.failures) + len(result.errors)
    passed = result.testsRun - failed - len(result.skipped)
    print("-- e2e (%s): %d passed, %d failed" % (
        os.environ.get("LIUDONG_BIN", "build/liudong"), passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
