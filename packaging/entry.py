"""The frozen program's entry point: the same as the installed `triggermap` command."""

from triggermap.launch import main

main()
