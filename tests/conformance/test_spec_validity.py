"""Every OpenAPI file is a valid OpenAPI 3.0 document (openapi-spec-validator): what client
generators, mock servers and contract tools read must parse as the standard says."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from dialects.kit.base import OPENAPI_DIR

FILES = sorted(OPENAPI_DIR.glob("*.yaml"))


def test_there_is_a_file_per_dialect_and_the_admin_api():
    from dialects.registry import DIALECTS
    assert {f.stem for f in FILES} == {*DIALECTS, "admin"}


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_the_file_is_a_valid_openapi_document(path):
    document, _ = read_from_filename(str(path))
    validate(document)  # raises, naming the first problem, when it is not
    assert document["openapi"].startswith("3.0")
