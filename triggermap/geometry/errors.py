"""The one error type the geometry layer raises for bad atlas input."""


class AtlasError(ValueError):
    """An atlas file or element that cannot be used; says which file and element, and why."""

    def __init__(self, source: str, element_id: str | None, problem: str) -> None:
        self.source = source
        self.element_id = element_id
        self.problem = problem
        where = f"{source}, element {element_id!r}" if element_id else source
        super().__init__(f"{where}: {problem}")
