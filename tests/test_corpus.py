"""lintkit never crashes on real serverless.yml files (../shared/corpus/serverless/, each laid out as
a service folder of its own)."""
import shutil
import time

import pytest

from conftest import SHARED

CORPUS = SHARED / "corpus" / "serverless"
FILES = sorted(CORPUS.iterdir()) if CORPUS.is_dir() else []


@pytest.mark.skipif(not FILES, reason="../shared/corpus is not present")
@pytest.mark.parametrize("corpus_file", FILES, ids=lambda p: p.name[:80])
def test_corpus_file_lints_without_crashing(corpus_file, tmp_path, run_lintkit):
    shutil.copyfile(corpus_file, tmp_path / "serverless.yml")
    started = time.monotonic()
    code, out, err = run_lintkit("check", ".", "--format", "json", cwd=tmp_path)
    assert code in (0, 1), err
    assert "internal error" not in err
    assert time.monotonic() - started < 10
