"""Export walk cursors: what we give decodes back; anything else is a located error."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cyberfusion.domain.model import MAX_INTEGER
from cyberfusion.domain.paging import MAX_CURSOR, decode_after, encode_after
from cyberfusion.errors import InvalidInput


@given(st.integers(min_value=0, max_value=MAX_INTEGER))
def test_a_cursor_we_give_decodes_to_its_row(row_id: int) -> None:
    cursor = encode_after(row_id)
    assert len(cursor) <= MAX_CURSOR and cursor.isascii()
    assert decode_after(cursor, "after") == row_id


@pytest.mark.parametrize("text", ["", "12", "not-ours", "%%%", encode_after(5)[:-2],
                                  "YWZ0ZXI6LTE", "YWZ0ZXI6OTIyMzM3MjAzNjg1NDc3NTgwOA"])
def test_other_text_is_a_located_error(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        decode_after(text, "query.after")
    assert [i.location for i in caught.value.issues] == ["query.after"]
