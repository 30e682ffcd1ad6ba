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
