"""`python -m triggermap` runs the same command line as `triggermap`."""

from triggermap.cli import main

main()
