"""A broken or mismatched spaCy environment is one clear line on stderr and exit code 2."""
import sys

import pytest

from geo.cli import main
from geo.errors import ModelError
from geo.recognize import spacy_model as recognize


@pytest.mark.parametrize("on_error", ["fail", "skip"])
@pytest.mark.parametrize("breakage", ["import fails", "no fitting model"])
def test_a_model_that_cannot_load_is_one_clear_line(tmp_path, capsys, monkeypatch, breakage, on_error):
    """Even with --on-error skip: a broken environment fails every document, so it ends the run
    instead of turning into one error result per document."""
    if breakage == "import fails":  # as when numpy's ABI does not match thinc's wheels
        monkeypatch.setitem(sys.modules, "spacy", None)
    else:  # as when the installed spaCy fits no installed model package
        monkeypatch.setattr(recognize, "MODEL_PACKAGES", {})
    path = tmp_path / "in.txt"
    path.write_text("Shelling near Deraa; Damascus was calm.\n", encoding="utf-8")

    code = main(["extract", str(path), "--workers", "1", "--on-error", on_error])
    out, err = capsys.readouterr()

    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("geo: error: the spaCy model could not be loaded: ")
    assert "reinstall with" in err and "pip install --force-reinstall" in err
    with pytest.raises(ModelError):
        recognize.load_model()
