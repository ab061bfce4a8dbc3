"""Fill an operator's Word template (docxtpl: Jinja tags in the .docx) with the report.

Refuses, before writing anything, a template that names a variable the report doesn't
have: the operator sees one line naming it, not a half-filled document. Values are
XML-escaped (autoescape), so a title with '&', '<' or quotes comes out as written.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

from kpu_berita.reports.context import VARIABLES
from kpu_berita.user_files import written_whole

CHART_WIDTH_MM = 150
PHOTO_WIDTH_MM = 110


class TemplateProblem(ValueError):
    """A template that can't be filled; the message is one line naming the template."""

    def __init__(self, message: str):
        super().__init__(" ".join(message.splitlines()))


def _environment():
    import jinja2
    from jinja2.sandbox import SandboxedEnvironment

    # Sandboxed: templates are written and shared by offices, and a tag such as
    # {{ cycler.__init__.__globals__.os.system(...) }} must not run a command on the machine
    # that fills them. StrictUndefined: a misspelt attribute ({{ a.titel }}) fails instead
    # of printing nothing.
    return SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=True)


def _check_variables(tpl, template_path: Path, env) -> None:
    import jinja2

    try:
        names = tpl.get_undeclared_template_variables(env)
    except jinja2.TemplateSyntaxError as exc:
        # jinja reads the document's XML, so its own words ("unexpected '/'") point into
        # Word's markup: name the paragraph whose tag is not closed when there is one
        unclosed = _unclosed_tag(tpl)
        where = f"the tag in \"{unclosed}\" is not closed (}}}} or %}})" if unclosed else exc.message
        raise TemplateProblem(f"{template_path}: template syntax error: {where}")
    unknown = sorted(set(names) - set(VARIABLES))
    if unknown:
        raise TemplateProblem(f"{template_path}: unknown variable {unknown[0]!r} "
                              f"(see docs/report-template.md for the variables a template can use)")


_TAG_OPENS = re.compile(r"\{([{%#])")
_TAG_CLOSES = {"{": "}}", "%": "%}", "#": "#}"}


def _paragraph_texts(document):
    """Every paragraph's text, the tables' cells included, in document order."""
    yield from (p.text for p in document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from (p.text for p in cell.paragraphs)


def _unclosed_tag(tpl) -> str | None:
    """The text (shortened) of the first paragraph with a tag opened and not closed in it."""
    for text in _paragraph_texts(tpl.docx):
        opened = _TAG_OPENS.search(text)
        while opened:
            end = text.find(_TAG_CLOSES[opened.group(1)], opened.end())
            if end < 0:
                return text[opened.start():opened.start() + 60] + ("..." if len(text) > opened.start() + 60 else "")
            opened = _TAG_OPENS.search(text, end + 2)
    return None


def _undefined_in_words(message: str) -> str:
    """jinja's "'dict object' has no attribute 'judul'" (a field an item of a list lacks) in
    the words the unknown-variable error uses."""
    m = re.fullmatch(r"'dict object' has no attribute '(.+)'", message or "")
    if not m:
        return message
    return (f"unknown field {m.group(1)!r} of an item (see docs/report-template.md for the fields of "
            "each list's items)")


def _with_images(tpl, context: dict) -> dict:
    from docx.shared import Mm
    from docxtpl import InlineImage

    filled = dict(context)
    chart = context.get("chart")
    filled["chart"] = InlineImage(tpl, io.BytesIO(chart), width=Mm(CHART_WIDTH_MM)) if chart else ""
    filled["humas_activities"] = [
        dict(item, photo=InlineImage(tpl, str(item["photo"]), width=Mm(PHOTO_WIDTH_MM)) if item["photo"] else "")
        for item in context["humas_activities"]]
    return filled


# "Keterangan Gambar" (any case, its words split over Word's runs, with or without ":") and
# then, with nothing but markup or spaces between (the same paragraph or the next one), a tag
# printing an item's caption: {{ h.caption }} or {{ h.caption|upper }}.
_GAP = r"(?:\s|<[^>]*>)*"
_LABEL_THEN_CAPTION = re.compile(
    rf"(Keterangan(?:\s|<[^>]*>)+Gambar{_GAP}:?{_GAP}\{{\{{\s*\w+\.)caption(?=\s*(?:\}}\}}|\|))", re.I)


def caption_label_written_once(xml: str) -> str:
    """A template that writes the label itself, as seed 000 lays a photo out ("Keterangan
    Gambar:" and then the caption), gets the caption without its own "Keterangan Gambar: ";
    `caption` printed it twice. A tag with no label before it keeps the whole caption."""
    return _LABEL_THEN_CAPTION.sub(r"\1caption_text", xml)


def _docx_template(path: Path):
    from docxtpl import DocxTemplate

    class LabelAwareTemplate(DocxTemplate):
        # docxtpl cleans Word's markup out of the tags here, for the text it renders and
        # for the variable check alike: the caption's label is settled in the same text
        def patch_xml(self, src_xml):
            return caption_label_written_once(super().patch_xml(src_xml))

    return LabelAwareTemplate(str(path))


def fill_template(template_path: Path, context: dict, out: Path) -> Path:
    """Render `template_path` with `context` into `out` (written whole or not at all)."""
    import jinja2

    template_path, out = Path(template_path), Path(out)
    try:
        tpl = _docx_template(template_path)
        tpl.init_docx()
    except Exception as exc:  # python-docx raises several kinds for a file that isn't a .docx
        if template_path.suffix.lower() in (".dotx", ".dotm", ".docm"):
            raise TemplateProblem(f"{template_path}: a {template_path.suffix} file; open it in Word and save it as "
                                  "a Word Document (.docx), then give that file")
        raise TemplateProblem(f"{template_path}: not a readable .docx template ({type(exc).__name__})")
    env = _environment()
    _check_variables(tpl, template_path, env)
    values = _with_images(tpl, context)
    try:
        tpl.render(values, env, autoescape=True)
    except jinja2.UndefinedError as exc:
        raise TemplateProblem(f"{template_path}: {_undefined_in_words(exc.message)}")
    except jinja2.TemplateError as exc:
        raise TemplateProblem(f"{template_path}: template error: {exc}")
    except Exception as exc:  # noqa: BLE001: an expression of the operator's failed on this report's values
        # "{{ total_views / total_articles }}" for a period without articles, "{{ total_views + ' kali' }}"
        raise TemplateProblem(f"{template_path}: an expression of the template failed for this report "
                              f"({type(exc).__name__}: {exc}); see docs/report-template.md") from None
    with written_whole(out) as tmp:
        tpl.save(str(tmp))
    return out
