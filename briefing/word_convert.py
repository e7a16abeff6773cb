"""Word (.docx) → HTML in a child process with bounded CPU time and memory.

``briefing.importing.docx_to_html`` runs ``python -m briefing.word_convert``:
a crafted .docx of a few kilobytes made mammoth take a minute and over a
gigabyte inside the web worker. Here the operating system stops it instead.
Reads the file on stdin, writes UTF-8 HTML (not yet sanitised) on stdout.
No Django: only what the conversion needs is imported.
"""

import io
import resource
import sys

# Word styles are dropped: only paragraphs, bold, italics, lists and tables stay.
STYLE_MAP = """
p[style-name='Title'] => p:fresh
p[style-name='Heading 1'] => p:fresh
p[style-name='Heading 2'] => p:fresh
p[style-name='Heading 3'] => p:fresh
"""

# Exit codes the parent tells apart (a signal, e.g. SIGXCPU, is negative).
BROKEN = 2
TOO_LONG = 3
OUT_OF_MEMORY = 4


def main(cpu_seconds: int, memory_bytes: int, max_chars: int) -> int:
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    try:
        import mammoth

        data = sys.stdin.buffer.read()
        result = mammoth.convert_to_html(
            io.BytesIO(data),
            style_map=STYLE_MAP,
            convert_image=mammoth.images.img_element(lambda image: {}),
        )
    except MemoryError:
        return OUT_OF_MEMORY
    except Exception:  # mammoth raises many kinds on a broken file
        return BROKEN
    if len(result.value) > max_chars:
        return TOO_LONG
    sys.stdout.buffer.write(result.value.encode())
    return 0


if __name__ == "__main__":
    sys.exit(main(*(int(arg) for arg in sys.argv[1:4])))
