"""Functions the safe_office tests run in a limited child process."""


def spin():
    while True:
        pass


def eat(megabytes):
    chunks = []
    for _ in range(megabytes):
        chunks.append(bytearray(1024 * 1024))
    return len(chunks)


def echo(value):
    return value


def fail():
    return 1 / 0


def parse_xml(megabytes):
    """lxml on a document of `megabytes` MB: libxml2 reports running out of memory as a syntax error."""
    from lxml import etree

    element = b"<p><r><t>plan</t></r></p>"
    return len(etree.fromstring(b"<doc>" + element * (megabytes * 1024 * 1024 // len(element)) + b"</doc>"))
