"""Each output's encoding turns any text into something its format accepts."""

import csv
import io
import json
import xml.etree.ElementTree as ET
from email.message import EmailMessage

import pytest
from openpyxl import Workbook, load_workbook

from app import encoding
from tests.support.hostile import HOSTILE

# Beyond the shared table: what only a program (or an old row) can hold.
EXTRA = {
    "lone_surrogate": "a\ud800b",
    "unit_separator": "a\x1fb",
    "file_separator": "a\x1cb",
    "noncharacter_ffff": "a\uffffb",
    "only_controls": "\x00\r\n\x0b",
    "leading_space_then_break": " \r\na ",
}
SAMPLES = {**HOSTILE, **EXTRA}


class TestHeaderText:
    @pytest.mark.parametrize("text", SAMPLES.values(), ids=SAMPLES.keys())
    def test_any_text_becomes_one_header_line_the_email_package_takes(
        self, text: str
    ) -> None:
        line = encoding.header_text(text)

        assert len(line.splitlines()) <= 1
        assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in line)
        email = EmailMessage()
        email["Subject"] = line  # raises on a line break
        email.set_content("x")
        assert email.as_bytes()

    def test_an_injected_header_stays_inside_the_subject(self) -> None:
        line = encoding.header_text(HOSTILE["crlf_header_injection"])

        assert line == "a Bcc: victim@example.org"

    def test_runs_of_controls_and_spaces_collapse_and_ends_are_trimmed(self) -> None:
        assert encoding.header_text("\t a \r\n\r\n  b\x85\u2028c ") == "a b c"


class TestMailBodyText:
    @pytest.mark.parametrize("text", SAMPLES.values(), ids=SAMPLES.keys())
    def test_any_text_becomes_a_body_the_email_package_sends(self, text: str) -> None:
        body = encoding.mail_body_text(text)

        assert "\r" not in body
        assert "\x00" not in body
        email = EmailMessage()
        email.set_content(body, charset="utf-8")
        assert email.as_bytes()

    def test_every_line_break_becomes_lf(self) -> None:
        assert encoding.mail_body_text("a\r\nb\rc\u2028d\x85e") == "a\nb\nc\nd\ne"


class TestXmlText:
    @pytest.mark.parametrize("text", SAMPLES.values(), ids=SAMPLES.keys())
    def test_any_text_makes_a_parsable_document(self, text: str) -> None:
        element = ET.Element("title", label=encoding.xml_text(text))
        element.text = encoding.xml_text(text)
        document = ET.tostring(element, encoding="utf-8")

        assert ET.fromstring(document).tag == "title"

    def test_markup_is_left_to_the_escaping_template(self) -> None:
        assert encoding.xml_text(HOSTILE["xml_markup"]) == HOSTILE["xml_markup"]


class TestSpreadsheetText:
    @pytest.mark.parametrize("text", SAMPLES.values(), ids=SAMPLES.keys())
    def test_any_text_makes_a_workbook_that_opens(self, text: str) -> None:
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("p")
        sheet.append([encoding.spreadsheet_text(text), "next"])
        saved = io.BytesIO()
        workbook.save(saved)

        sheet = load_workbook(io.BytesIO(saved.getvalue())).active
        assert sheet is not None
        (row,) = sheet.iter_rows(values_only=True)
        assert row == (encoding.spreadsheet_text(text) or None, "next")

    @pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t"])
    def test_formulas_are_defused(self, start: str) -> None:
        assert encoding.spreadsheet_text(f"{start}1+1").startswith("'")

    def test_a_formula_behind_a_removed_control_is_defused(self) -> None:
        assert encoding.spreadsheet_text("\x00=1+1") == "'=1+1"


class TestCsvText:
    @pytest.mark.parametrize("text", SAMPLES.values(), ids=SAMPLES.keys())
    def test_any_text_round_trips_through_the_csv_module(self, text: str) -> None:
        buffer = io.StringIO(newline="")
        csv.writer(buffer).writerow([encoding.csv_text(text), "next"])
        written = buffer.getvalue().encode("utf-8")  # lone surrogates would raise

        (row,) = csv.reader(io.StringIO(written.decode("utf-8"), newline=""))
        assert row == [encoding.csv_text(text), "next"]
        assert "\x00" not in row[0]

    def test_formulas_are_defused(self) -> None:
        assert encoding.csv_text(HOSTILE["formula"]) == "'" + HOSTILE["formula"]


class TestUtf8Text:
    def test_json_with_a_lone_surrogate_can_be_sent(self) -> None:
        document = encoding.utf8_text(json.dumps({"t": "a\ud800b"}, ensure_ascii=False))

        assert json.loads(document.encode("utf-8")) == {"t": "a\ufffdb"}
