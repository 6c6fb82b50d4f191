"""Lone surrogates: the code points U+D800..U+DFFF, half of a UTF-16 pair, which UTF-8 cannot encode.

They reach Python strings from JSON's `"\\ud800"` escapes (an included .json file), from an editor's
text over LSP, and from file names and arguments that are not UTF-8 (os.fsdecode turns each byte it
cannot decode into one of U+DC80..U+DCFF). Text that leaves lintkit is valid Unicode, but for the
bytes of such file names:

- Prose (messages, function names) gets U+FFFD in their place (`replace_lone_surrogates`), where
  diagnostics are finalised for every reporter and for the language server, so JSON reports never
  carry a `\\ud800` escape either.
- Whatever is written to stdout or a report file goes through the `lintkit-surrogates` error
  handler: a file name's undecodable byte is written as that byte (as ls prints it, so the name can
  be copied into a shell), any other lone surrogate as U+FFFD.
"""
from __future__ import annotations

import codecs

from ..model.lazyre import lazy_compile

ERRORS = "lintkit-surrogates"
_LONE_SURROGATE = lazy_compile("[\ud800-\udfff]")


def replace_lone_surrogates(text: str) -> str:
    if text.isascii():
        return text
    return _LONE_SURROGATE.sub("\ufffd", text)


def _encode_lone_surrogates(error: UnicodeError):
    """The encoding error handler: a byte for U+DC80..U+DCFF, U+FFFD (or `?`, in an encoding
    without it) for anything else the stream cannot encode."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    try:
        unknown = "\ufffd".encode(error.encoding)
    except (UnicodeError, LookupError):
        unknown = b"?"
    replacement = bytearray()
    for character in error.object[error.start:error.end]:
        code = ord(character)
        if 0xDC80 <= code <= 0xDCFF:  # a byte os.fsdecode could not decode
            replacement.append(code - 0xDC00)
        else:
            replacement += unknown
    return bytes(replacement), error.end


codecs.register_error(ERRORS, _encode_lone_surrogates)
