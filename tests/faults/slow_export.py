"""An export that takes a second to make: registered in the fault tests' worker and in the test."""

import time

from exports import registry as exports

NAME = "faults.slow"

if exports.get(NAME) is None:

    @exports.register(NAME, label="Медленная выгрузка")
    class SlowExport:
        allowed = staticmethod(lambda user, params: True)
        title = staticmethod(lambda params: "Медленная выгрузка")

        @staticmethod
        def build(params, progress):
            time.sleep(1)
            return "slow.txt", b"slow"
