"""A long, random run of the never-fails-internally properties in tests/test_fuzz.py.

    .venv/bin/python bench/fuzz.py [EXAMPLES]   # default 2000 examples per property

CI runs the same properties with a fixed seed and 50 examples each; this run draws new inputs
every time, so it finds what the fixed sample does not.
"""
import os
import subprocess
import sys

examples = sys.argv[1] if len(sys.argv) > 1 else "2000"
here = os.path.dirname(os.path.abspath(__file__))
env = dict(os.environ, CGRAD_FUZZ_EXAMPLES=examples, CGRAD_FUZZ_RANDOM="1")
sys.exit(subprocess.call([sys.executable, "-m", "pytest", "-q", os.path.join(here, "..", "tests", "test_fuzz.py")],
                         env=env))
