# The two commands of the README: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint atlas catalogue docs bench package clean

$(STAMP): pyproject.toml setup.py
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "triggermap needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	sh scripts/qt-system-libraries.sh
	$(BIN)/triggermap

lint: $(STAMP)
	$(BIN)/ruff check triggermap tests bench atlas packaging setup.py
	$(BIN)/lint-imports

test: lint
	QT_QPA_PLATFORM=$${QT_QPA_PLATFORM:-offscreen} $(BIN)/python -m pytest -q

atlas: $(STAMP)
	$(BIN)/triggermap atlas build
	$(BIN)/triggermap atlas render-docs

catalogue: $(STAMP)
	$(BIN)/triggermap catalogue build
	$(BIN)/triggermap catalogue check

docs: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/triggermap atlas render-docs
	QT_QPA_PLATFORM=offscreen $(BIN)/triggermap screenshot -o docs/screenshot.png
	QT_QPA_PLATFORM=offscreen $(BIN)/triggermap screens -o docs/screens

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/python bench/all.py

# A frozen one-folder program (PyInstaller) and a Debian package of it with a desktop menu
# entry, icons and the MIME type of the JSON record exports: dist/triggermap_<version>_<arch>.deb
package: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[package]'
	$(BIN)/pyinstaller --noconfirm --clean --log-level ERROR --distpath dist/frozen \
		--workpath build/pyinstaller packaging/triggermap.spec
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/build_deb.py dist/frozen/triggermap dist

clean:
	rm -rf $(VENV) build dist *.egg-info
