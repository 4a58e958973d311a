#!/usr/bin/env python3
"""N concurrent signers against a running Signons, each like a separate browser: it opens the
petition page (the same for every visitor), then posts the sign form with its own address, saying
where it comes from as a browser does (Origin, Sec-Fetch-Site).
Prints how many answers were the expected 303 and the timings. Standard library only."""
import argparse, http.cookiejar, re, sys, threading, time, urllib.parse, urllib.request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def signer(base, path, petition_id, email, results, barrier):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    try:
        opener.addheaders = [("Origin", base), ("Sec-Fetch-Site", "same-origin")]
        page = opener.open(base + path, timeout=30).read().decode()
        if f'action="/petitions/{petition_id}/sign#error-summary"' not in page:
            raise RuntimeError("no sign form on the page")
        body = urllib.parse.urlencode({"first_name": "Sam", "last_name": "Load",
                                       "email": email}).encode()
        barrier.wait(timeout=60)
        started = time.perf_counter()
        try:
            status = opener.open(base + f"/petitions/{petition_id}/sign", data=body, timeout=60).status
        except urllib.error.HTTPError as e:
            status = e.code
        results.append((status, time.perf_counter() - started))
    except Exception as e:  # noqa: BLE001 - any failure is a result to report
        results.append((repr(e), 0.0))
        try:
            barrier.abort()
        except threading.BrokenBarrierError:
            pass


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base", default="http://127.0.0.1:8000")
    p.add_argument("--path", required=True, help="petition path, e.g. /o/signons-demo/protect-the-city-park")
    p.add_argument("--signers", type=int, default=200)
    p.add_argument("--tag", default=str(int(time.time())))
    a = p.parse_args()
    page = urllib.request.urlopen(a.base + a.path, timeout=30).read().decode()
    petition_id = re.search(r'action="/petitions/(\d+)/sign[#"]', page).group(1)
    results, barrier = [], threading.Barrier(a.signers)
    threads = [threading.Thread(target=signer, args=(a.base, a.path, petition_id,
                                                       f"signer{i}.{a.tag}@example.org", results, barrier))
               for i in range(a.signers)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    ok = sum(1 for s, _ in results if s == 303)
    others = [s for s, _ in results if s != 303]
    times = sorted(t for s, t in results if s == 303)
    p99 = times[int(len(times) * 0.99) - 1] if times else 0
    print(f"signers={a.signers} answered_303={ok} other_answers={others[:10]} "
          f"wall={elapsed:.2f}s post_p50={times[len(times)//2] if times else 0:.3f}s post_p99={p99:.3f}s")
    sys.exit(0 if ok == a.signers else 1)


if __name__ == "__main__":
    main()
