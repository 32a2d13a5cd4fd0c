"""One schema leaf as one Django form field, and its value back and forth between config and form.

Fields are never ``required`` on the Django side and carry no range or pattern validators:
jsonschema stays the single validator, and the form attaches its errors to the fields. Widgets
still get ``required``, ``min``/``max``, ``maxlength`` and (when a browser means the same thing)
``pattern`` attributes as hints.
"""

import json
import re
from dataclasses import dataclass, field

from django import forms
from django.forms.utils import pretty_name
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from registry.schema.descriptions import description_html
from registry.schema.validation import translate_pattern

MISSING = object()

STRING, INTEGER, NUMBER, BOOLEAN = "string", "integer", "number", "boolean"
ENUM, MULTI_ENUM, LINES, JSON_TEXT, CONST = "enum", "multi_enum", "lines", "json", "const"

INVALID_CHOICE = "Select one of the offered choices."


def choice_key(value) -> str:
    """How an enum value travels through HTML: strings as they are, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value)


class NumberField(forms.FloatField):
    """A JSON Schema ``number``: whole numbers stay ints so a config round-trips unchanged."""

    def to_python(self, value):
        text = str(value).strip() if value not in self.empty_values else ""
        if re.fullmatch(r"[+-]?\d{1,300}", text):
            return int(text)
        return super().to_python(value)


class LinesField(forms.CharField):
    """An array of strings, one per line."""

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


class JsonTextField(forms.CharField):
    """Whatever the form cannot render as fields: the value as JSON text."""

    default_error_messages = {"invalid": "Enter valid JSON."}

    def to_python(self, value):
        text = (super().to_python(value) or "").strip()
        if not text:
            return None
        try:
            return json.loads(text)
        except (ValueError, RecursionError):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


@dataclass
class Leaf:
    """How one form field maps onto the config: its data path, kind and choices."""

    name: str
    path: tuple[str, ...]
    kind: str
    secret: bool = False
    choices: dict = field(default_factory=dict)  # choice key -> enum value
    const: object = None
    required: bool = False  # marked as required (within its branch, for a conditional field)

    def to_initial(self, value):
        """A config value as the field's initial value."""
        if self.kind == LINES and isinstance(value, list):
            return "\n".join(str(v) for v in value)
        if self.kind == JSON_TEXT:
            return json.dumps(value, indent=2)
        if self.kind == ENUM:
            return choice_key(value)
        if self.kind == MULTI_ENUM and isinstance(value, list):
            return [choice_key(v) for v in value]
        if self.kind == CONST:
            return choice_key(self.const)
        return value

    def to_config(self, value):
        """A cleaned field value as the config value, or MISSING when the field was left empty."""
        if self.kind == BOOLEAN:
            return bool(value)
        if self.kind == CONST:
            return self.const
        if self.kind == ENUM:
            return self.choices.get(value, MISSING)
        if self.kind == MULTI_ENUM:
            picked = [self.choices[v] for v in value or () if v in self.choices]
            return picked or MISSING
        if value is None or value == "" or value == []:
            return MISSING
        return value


def schema_type(schema: dict):
    """The one type a node describes (``["string", "null"]`` is a string), else None."""
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        return kinds[0] if len(kinds) == 1 else None
    return kind


def nullable_option(schema: dict) -> dict:
    """``anyOf: [{X}, {"type": "null"}]`` (an optional value) read as X."""
    for keyword in ("anyOf", "oneOf"):
        options = schema.get(keyword)
        if "type" in schema or not isinstance(options, list):
            continue
        real = [o for o in options if isinstance(o, dict) and o.get("type") != "null"]
        if len(real) == 1 and len(options) == 2:
            merged = {k: v for k, v in schema.items() if k != keyword}
            return {**real[0], **merged}
    return schema


def titled_constants(schema: dict) -> tuple[list, list] | None:
    """``oneOf``/``anyOf`` of ``{"const": v, "title": t}`` (JSON Schema's titled enum): the values
    and their titles, else None."""
    for keyword in ("oneOf", "anyOf"):
        options = schema.get(keyword)
        if (
            isinstance(options, list)
            and options
            and all(isinstance(o, dict) and "const" in o and "properties" not in o for o in options)
        ):
            values = [o["const"] for o in options]
            titles = [str(o.get("title") or o["const"]) for o in options]
            return values, titles
    return None


def enum_values(schema: dict) -> list | None:
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"]
    titled = titled_constants(schema)
    return titled[0] if titled else None


def leaf_kind(schema: dict) -> str:
    if "const" in schema and "enum" not in schema:
        return CONST
    if enum_values(schema):
        return ENUM
    kind = schema_type(schema)
    if kind in (STRING, INTEGER, NUMBER, BOOLEAN):
        return kind
    if kind == "array":
        items = schema.get("items")
        if isinstance(items, dict):
            if enum_values(items):
                return MULTI_ENUM
            if schema_type(items) == STRING:
                return LINES
    return JSON_TEXT


def _help_text(schema: dict, hint: dict, *, secret: bool = False):
    """The description (safe HTML: links and emphasis kept), then the expected format in words and
    an example, never a raw regular expression."""
    parts = []
    if isinstance(schema.get("description"), str):
        parts.append(schema["description"])
    for entry in schema.get("fieldDescription") or ():
        if isinstance(entry, dict) and isinstance(entry.get("description"), str):
            parts.append(entry["description"])
    if isinstance(hint.get("ui:help"), str):
        parts.append(hint["ui:help"])
    html = description_html(" ".join(p.strip() for p in parts if p and p.strip()))
    notes = []
    if isinstance(schema.get("pattern_descriptor"), str):
        notes.append(format_html("Format: <code>{}</code>.", schema["pattern_descriptor"]))
    example = _example(schema)
    if example is not None and not secret:
        notes.append(format_html("Example: <code>{}</code>.", example))
    return mark_safe(" ".join(filter(None, [html, *notes])))  # noqa: S308 (parts escaped above)


def _example(schema: dict) -> str | None:
    examples = schema.get("examples")
    if isinstance(examples, list) and examples and isinstance(examples[0], str | int | float):
        return str(examples[0])
    return None


def _placeholder(schema: dict, hint: dict) -> str | None:
    if isinstance(hint.get("ui:placeholder"), str):
        return hint["ui:placeholder"]
    return _example(schema)


_CLASS = re.compile(r"\[\^?((?:\\.|[^\]\\])*)\]")


def html_pattern(pattern) -> str | None:
    """The pattern as an HTML ``pattern`` attribute when a browser reads it the same way (it
    anchors the whole value and parses character classes strictly), else None."""
    if not isinstance(pattern, str):
        return None
    translated = translate_pattern(pattern)
    if not (translated.startswith("^") and translated.endswith("$")) or translated.endswith("\\$"):
        return None
    if "|" in translated or "(?" in translated or "\\p" in translated:
        return None
    for body in _CLASS.findall(translated):
        raw = re.sub(r"\\.", "", body)
        if re.search(r"[()\[\]{}/|]", raw) or raw.startswith("-") or raw.endswith("-"):
            return None
        if "--" in raw or "&&" in raw:
            return None
    return translated[1:-1]


def _choices(schema: dict, hint: dict, values: list, labels: list | None):
    titled = titled_constants(schema)
    names = (
        labels
        or hint.get("ui:enumNames")
        or schema.get("enumNames")
        or (titled[1] if titled else None)
    )
    if not isinstance(names, list) or len(names) != len(values):
        names = [str(v) for v in values]
    return [(choice_key(v), str(n)) for v, n in zip(values, names, strict=True)]


class ReadOnlyText(forms.Widget):
    """A value the spec makes read-only, shown as text rather than as a disabled input that looks
    editable (it is not submitted: the form keeps the initial value)."""

    choices: dict = {}

    def render(self, name, value, attrs=None, renderer=None):
        shown = value
        if isinstance(value, bool) or value in ("True", "False"):
            shown = "Yes" if value in (True, "True") else "No"
        elif self.choices and value is not None:
            shown = self.choices.get(str(value), value)
        if shown in (None, ""):
            shown = "Not set"
        return format_html('<span class="readonly-value" id="{}">{}</span>', attrs.get("id"), shown)

    def id_for_label(self, id_):
        return None

    def value_omitted_from_data(self, data, files, name):
        return True


def make_field(
    *,
    name: str,
    path: tuple[str, ...],
    schema: dict,
    hint: dict,
    secret: bool,
    required: bool,
    marked: bool | None = None,
    choice_labels: list | None = None,
) -> tuple[forms.Field, Leaf]:
    """The form field and its config mapping for one schema leaf. ``required``: the browser may
    insist on a value; ``marked``: the field shows as required (also inside a branch)."""
    kind = leaf_kind(schema)
    label = schema.get("title") if isinstance(schema.get("title"), str) else None
    label = label or pretty_name(path[-1] if path else "config")
    widget_name = hint.get("ui:widget")
    attrs: dict = {}
    marked = required if marked is None else marked
    leaf = Leaf(name=name, path=path, kind=kind, secret=secret, required=marked)
    common = {
        "label": label,
        "required": False,
        "help_text": _help_text(schema, hint, secret=secret),
    }

    if kind == CONST:
        leaf.const = schema["const"]
        form_field = forms.CharField(widget=forms.HiddenInput, disabled=True, **common)
    elif kind in (ENUM, MULTI_ENUM):
        values = enum_values(schema if kind == ENUM else schema["items"])
        choices = _choices(schema if kind == ENUM else schema["items"], hint, values, choice_labels)
        leaf.choices = {
            key: value for key, value in zip([c[0] for c in choices], values, strict=True)
        }
        messages = {"invalid_choice": INVALID_CHOICE}
        if kind == ENUM:
            radio = widget_name == "radio"
            if not radio and not (required and "default" in schema):
                choices = [("", "---------"), *choices]
            widget = forms.RadioSelect if radio else forms.Select
            form_field = forms.ChoiceField(
                choices=choices, widget=widget, error_messages=messages, **common
            )
        else:
            widget = (
                forms.CheckboxSelectMultiple
                if widget_name == "checkboxes"
                else forms.SelectMultiple
            )
            form_field = forms.MultipleChoiceField(
                choices=choices, widget=widget, error_messages=messages, **common
            )
    elif kind == BOOLEAN:
        form_field = forms.BooleanField(**common)
        required = False  # an unticked box is a value (false)
    elif kind == INTEGER:
        form_field = forms.IntegerField(**common)
    elif kind == NUMBER:
        form_field = NumberField(**common)
    elif kind == LINES:
        common["help_text"] = mark_safe(  # noqa: S308 (the help text is safe HTML already)
            " ".join(filter(None, [common["help_text"], "One per line."]))
        )
        form_field = LinesField(widget=forms.Textarea(attrs={"rows": 3}), **common)
    elif kind == JSON_TEXT:
        common["help_text"] = mark_safe(  # noqa: S308 (the help text is safe HTML already)
            " ".join(filter(None, [common["help_text"], "As JSON."]))
        )
        widget = forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "class": "json"})
        form_field = JsonTextField(widget=widget, strip=False, **common)
    else:
        form_field = _string_field(schema, hint, secret, widget_name, common)

    if kind in (INTEGER, NUMBER):
        for keyword, attr in (("minimum", "min"), ("maximum", "max")):
            if isinstance(schema.get(keyword), int | float) and not isinstance(
                schema[keyword], bool
            ):
                attrs[attr] = schema[keyword]
    if kind == STRING:
        for keyword, attr in (("maxLength", "maxlength"), ("minLength", "minlength")):
            if isinstance(schema.get(keyword), int):
                attrs[attr] = schema[keyword]
        pattern = html_pattern(schema.get("pattern"))
        if pattern:
            attrs["pattern"] = pattern
            descriptor = schema.get("pattern_descriptor")
            attrs["title"] = (
                f"Format: {descriptor}" if isinstance(descriptor, str) else "The expected format"
            )
    placeholder = _placeholder(schema, hint)
    if placeholder and kind in (STRING, INTEGER, NUMBER, LINES):
        attrs["placeholder"] = placeholder
    if hint.get("ui:readonly") or schema.get("readOnly"):
        form_field.disabled = True
        if kind != CONST:
            form_field.widget = ReadOnlyText()
            form_field.widget.choices = dict(getattr(form_field, "choices", ()) or ())
    if form_field.disabled:
        attrs["data-readonly"] = "true"
    elif required and kind not in (CONST, MULTI_ENUM):
        attrs["required"] = True
    if leaf.required and not form_field.disabled and kind != CONST:
        attrs["aria-required"] = "true"
    if widget_name == "hidden" and kind != CONST:
        form_field.widget = forms.HiddenInput()
    form_field.widget.attrs.update(attrs)
    if "default" in schema and kind != CONST and not secret:
        form_field.initial = leaf.to_initial(schema["default"])
    return form_field, leaf


def _string_field(schema, hint, secret, widget_name, common) -> forms.Field:
    multiline = widget_name == "textarea" or schema.get("multiline") is True
    if secret:
        widget = (
            forms.Textarea(attrs={"rows": 4, "autocomplete": "off"})
            if multiline
            else forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"})
        )
        return forms.CharField(widget=widget, strip=False, **common)
    if multiline:
        widget = forms.Textarea(attrs={"rows": 4})
    elif schema.get("format") == "email":
        widget = forms.EmailInput()
    elif schema.get("format") in ("uri", "url"):
        widget = forms.URLInput()
    elif schema.get("format") == "date":
        widget = forms.DateInput(attrs={"type": "date"})
    else:
        widget = forms.TextInput()
    return forms.CharField(widget=widget, **common)
