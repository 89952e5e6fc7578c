"""`python -m onboard`: the same as the `onboard` command."""

import sys

from onboard.cli import main

sys.exit(main())
