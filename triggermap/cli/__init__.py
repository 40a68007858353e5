"""Command line: `triggermap` opens the application; subcommands work headlessly."""

from __future__ import annotations

import os
from pathlib import Path

import click

from triggermap import __version__, resources
from triggermap.cli._guard import GuardedGroup
from triggermap.geometry.errors import AtlasError
from triggermap.services.context import AppContext
from triggermap.services.data_dir import DATA_DIR_VARIABLE, user_data_dir
from triggermap.storage.errors import CatalogueUnavailable

# Commands import the geometry (shapely) and SQLite libraries inside their bodies: opening the
# application must not wait for libraries only the headless commands need.

#: Atlas renders committed for reviewers (docs/atlas/<view>.png, and the deep layer).
DOCS_ATLAS = Path("docs") / "atlas"


# GuardedGroup: an unexpected error in any command is one sentence and an entry in the error log
# (<data dir>/logs/triggermap.log), never a traceback
@click.group(cls=GuardedGroup, invoke_without_command=True)
@click.version_option(__version__, prog_name="triggermap")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=DATA_DIR_VARIABLE,
    help="Directory of your own data (patient records, study progress). "
    f"Default: ${DATA_DIR_VARIABLE}, else the system's per-user data directory.",
)
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None) -> None:
    """triggermap: an interactive map of myofascial trigger points.

    Run without a command to open the application.
    """
    ctx.obj = user_data_dir(data_dir)
    if ctx.invoked_subcommand is None:
        from triggermap.ui.app import run_application

        ctx.exit(run_application(data_dir))


@main.command()
@click.option(
    "--view",
    "view_name",
    type=click.Choice(resources.VIEW_NAMES),
    required=True,
    help="Body view to draw.",
)
@click.option(
    "--layer",
    type=click.Choice(["superficial", "deep"]),
    default="superficial",
    show_default=True,
    help="Muscle layer on top.",
)
@click.option(
    "--highlight",
    multiple=True,
    metavar="MUSCLE",
    help="Muscle to highlight (muscle id, optionally with .left/.right); repeatable.",
)
@click.option(
    "--zone",
    "zones",
    multiple=True,
    metavar="ZONE",
    help="Skin zone to shade (zone id, optionally with .left/.right); repeatable.",
)
@click.option(
    "--height",
    type=click.IntRange(100, 10000),
    default=1200,
    show_default=True,
    help="PNG height in pixels.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Output file: .png, .svg or .pdf.",
)
def render(
    view_name: str,
    layer: str,
    highlight: tuple[str, ...],
    zones: tuple[str, ...],
    height: int,
    output: Path,
) -> None:
    """Render a body view headlessly to PNG, SVG or PDF."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from triggermap.ui.render import (
        RenderRequest,
        headless_application,
        regions_named,
        render_to_file,
    )

    svg_path = resources.svg_dir() / f"{view_name}.svg"
    app = headless_application()
    try:
        highlighted = regions_named(svg_path, highlight, "muscle")
        shaded = regions_named(svg_path, zones, "zone")
        request = RenderRequest(
            svg_path, deep=layer == "deep", highlight=highlighted, show_zones=shaded
        )
        written = render_to_file(request, output, height)
    except (AtlasError, ValueError, OSError) as error:
        raise click.ClickException(str(error)) from error
    del app
    click.echo(f"wrote {written}")


@main.group()
def atlas() -> None:
    """Build and inspect the body views (SVG atlas)."""


@atlas.command("build")
@click.option(
    "--view",
    "views",
    multiple=True,
    type=click.Choice(resources.VIEW_NAMES),
    help="Build only this view (repeatable); default all.",
)
def atlas_build(views: tuple[str, ...]) -> None:
    """Build assets/svg/<view>.svg from the drawn sources in atlas/src/, and the geometry
    shipped with the program (assets/geometry/<view>.json.gz)."""
    from triggermap.services.atlas_views import build_atlas

    try:
        result = build_atlas(
            resources.atlas_sources_dir(), resources.svg_dir(), views or resources.VIEW_NAMES
        )
    except AtlasError as error:
        raise click.ClickException(str(error)) from error
    for path, view in zip(result.written, result.views, strict=True):
        click.echo(
            f"wrote {path} (zones drawn over {100 * view.drawn_zone_area / max(view.silhouette_area, 1) * (2 if 'data-mirror-axis' in view.svg_text else 1):.1f}% of the drawn side)"
        )
    # the geometry shipped with the program, so that a first start parses no SVG
    from triggermap.services.atlas_views import build_shipped_geometry

    for path in build_shipped_geometry(
        resources.svg_dir(), resources.geometry_dir(), views or resources.VIEW_NAMES
    ):
        click.echo(f"wrote {path}")


@atlas.command("render-docs")
@click.option("--height", type=click.IntRange(100, 10000), default=1200, show_default=True)
def atlas_render_docs(height: int) -> None:
    """Render every view (superficial and deep) to docs/atlas/ for reviewers."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from triggermap.ui.render import RenderRequest, headless_application, render_to_file

    app = headless_application()
    for view_name in resources.VIEW_NAMES:
        svg_path = resources.svg_dir() / f"{view_name}.svg"
        for deep in (False, True):
            output = DOCS_ATLAS / f"{view_name}{'-deep' if deep else ''}.png"
            render_to_file(RenderRequest(svg_path, deep=deep), output, height)
            click.echo(f"wrote {output}")
    del app


@main.group()
def catalogue() -> None:
    """Build, check and count the trigger-point catalogue."""


def _atlas_for_checks():
    from triggermap.services.atlas_views import load_body_views

    try:
        return load_body_views(resources.svg_dir(), None)
    except AtlasError as error:
        raise click.ClickException(str(error)) from error


@catalogue.command("build")
def catalogue_build() -> None:
    """Build data/points.db from data/catalogue/ (refuses if the check finds problems)."""
    from triggermap.catalogue.toml_sources import CatalogueSourceError
    from triggermap.services.catalogue_build import build_catalogue

    try:
        result = build_catalogue(
            resources.catalogue_sources_dir(), _atlas_for_checks(), resources.catalogue_db()
        )
    except CatalogueSourceError as error:
        raise click.ClickException(str(error)) from error
    for problem in result.problems:
        click.echo(str(problem), err=True)
    if result.written is None:
        raise click.ClickException(
            f"{len(result.problems)} problem(s); data/points.db left unchanged"
        )
    click.echo(f"wrote {result.written}")


@catalogue.command("check")
def catalogue_check() -> None:
    """Validate the catalogue sources against each other and the atlas."""
    from triggermap.catalogue.toml_sources import CatalogueSourceError, read_catalogue_sources
    from triggermap.services.catalogue_check import check_catalogue

    try:
        sources, index = read_catalogue_sources(resources.catalogue_sources_dir())
    except CatalogueSourceError as error:
        raise click.ClickException(str(error)) from error
    problems = check_catalogue(sources, index, _atlas_for_checks())
    for problem in problems:
        click.echo(str(problem))
    if problems:
        raise click.ClickException(f"{len(problems)} problem(s) found")
    click.echo("catalogue OK")


@catalogue.command("stats")
def catalogue_stats() -> None:
    """Print coverage counts of the catalogue sources (of the built catalogue when the
    program is installed and has no sources)."""
    from triggermap.catalogue.toml_sources import CatalogueSourceError, read_catalogue_sources
    from triggermap.services.catalogue_check import coverage_stats

    folder = resources.catalogue_sources_dir()
    if not (folder / "muscles").is_dir():
        from triggermap.storage.catalogue_reader import read_catalogue

        click.echo(f"the installed catalogue, {resources.catalogue_db()}:")
        catalogue = read_catalogue(resources.catalogue_db())
    else:
        try:
            catalogue, _ = read_catalogue_sources(folder)
        except CatalogueSourceError as error:
            raise click.ClickException(str(error)) from error
    for name, count in coverage_stats(catalogue).counts.items():
        click.echo(f"{count:6d}  {name}")


@main.command()
@click.option(
    "--view",
    "view_name",
    type=click.Choice(resources.VIEW_NAMES),
    default="posterior",
    show_default=True,
)
@click.option(
    "--select",
    "selected",
    default="upper_trapezius.right",
    show_default=True,
    help="Region to select (muscle id with side).",
)
@click.option(
    "--point",
    default="upper_trapezius.trp1",
    show_default=True,
    help="Trigger point whose referral pattern to show ('' for none).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def screenshot(view_name: str, selected: str, point: str, output: Path) -> None:
    """Save a screenshot of the main window (for the README)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from triggermap.ui.screenshot import save_main_window_screenshot

    try:
        save_main_window_screenshot(
            AppContext.default(), view_name, selected, output, point or None
        )
    except (AtlasError, CatalogueUnavailable, ValueError, OSError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"wrote {output}")


@main.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("docs") / "screens",
    show_default=True,
    help="Directory to write the PNG files into.",
)
def screens(output: Path) -> None:
    """Save screenshots of every state the docs show: explorer, learning mode, patients.

    Patient screens use fictional demonstration records in a temporary data directory; your
    own records are never opened.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from triggermap.ui.docs_screens import save_all_screens

    try:
        written = save_all_screens(AppContext.default(), output)
    except (AtlasError, CatalogueUnavailable, ValueError, OSError) as error:
        raise click.ClickException(str(error)) from error
    for path in written:
        click.echo(f"wrote {path}")


def chosen_data_dir(ctx: click.Context) -> Path:
    """The data directory chosen for this run (--data-dir, $TRIGGERMAP_DATA_DIR or default)."""
    return ctx.find_root().obj


# Command groups that live in their own modules of this package (one module per area of the
# program); each is added to `main` here so that `triggermap --help` lists them all.
# Imported at the end because those modules use the helpers above.
from triggermap.cli import _registry  # noqa: E402

_registry.add_all(main)
