"""`python -m triggermap` runs the same program as `triggermap`."""

from triggermap.launch import main

main()
