"""An HTTP server for GDAL's /vsicurl/: ``python range_server.py FOLDER PORT_FILE [STOP_AFTER]``.

Serves the files of FOLDER on 127.0.0.1 (a free port, written to PORT_FILE), answering HEAD and GET with
``Range: bytes=a-b`` (206 Partial Content), as GDAL reads remote rasters block by block; the number of GET
requests served so far is kept in PORT_FILE.count. With STOP_AFTER, the process exits at the GET request after
that many: the server stops answering during a run (connection refused).
"""
import http.server
import os
import re
import sys
from pathlib import Path


def main(folder: Path, port_file: Path, stop_after: int | None) -> None:
    served = {"get": 0}
    counted = port_file.with_name(port_file.name + ".count")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self):  # noqa: N802 (http.server's name)
            self._answer(body=False)

        def do_GET(self):  # noqa: N802
            served["get"] += 1
            if stop_after is not None and served["get"] > stop_after:
                os._exit(0)
            self._answer(body=True)
            counted.write_text(str(served["get"]))

        def _answer(self, body: bool):
            path = folder / self.path.lstrip("/")
            if not path.is_file():
                self.send_error(404)
                return
            data = path.read_bytes()
            match = re.match(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
            start = int(match.group(1)) if match else 0
            end = min(int(match.group(2) or len(data) - 1) if match else len(data) - 1, len(data) - 1)
            self.send_response(206 if match else 200)
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Length", str(end - start + 1))
            if match:
                self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
            self.end_headers()
            if body:
                self.wfile.write(data[start:end + 1])

        def log_message(self, *_):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    port_file.write_text(str(server.server_address[1]))
    server.serve_forever()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else None)
