#!/usr/bin/env python3
"""The first-run journey against a running Signons, in a real headless Chromium driven through
chromedriver (standard library only): the JSON count of the petition is 0; the browser signs; the
confirmation mail arrives (read from the folder `smtp_sink --save` writes to); opening its link
shows a button and changes nothing; pressing it moves the count to 1; signing again with the same
address gives the same page and leaves the count at 1. Then, as a French reader: French page,
French mail, and a form sent from another site refused with a French page, nothing stored."""
import argparse, email, email.policy, glob, http.cookiejar, json, os, re, socket, subprocess, sys, time
import urllib.error, urllib.parse, urllib.request

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"

p = argparse.ArgumentParser()
p.add_argument("--base", required=True)
p.add_argument("--petition", required=True, help="the petition's absolute URL")
p.add_argument("--mail", required=True, help="folder of received .eml files")
a = p.parse_args()


def fail(why):
    print("FAIL:", why)
    sys.exit(1)


def count():
    page = urllib.request.urlopen(a.petition, timeout=30).read().decode()
    href = re.search(r'<link rel="alternate" type="application/json" href="([^"]+)"', page).group(1)
    return json.load(urllib.request.urlopen(urllib.parse.urljoin(a.base, href), timeout=30))


def mails():
    files = sorted(glob.glob(os.path.join(a.mail, "*.eml")), key=lambda f: int(os.path.basename(f)[:-4]))
    return [email.message_from_bytes(open(f, "rb").read(), policy=email.policy.default) for f in files]


def wait_mails(n):
    for _ in range(300):
        if len(mails()) >= n:
            return mails()
        time.sleep(0.1)
    fail(f"{n} mails expected, {len(mails())} arrived")


def text(mail):
    return mail.get_body(preferencelist=("plain",)).get_content()


def h1(html):
    return re.search(r"<h1[^>]*>([^<]+)<", html).group(1).strip()


doc = count()
print("JSON before:", {k: doc.get(k) for k in ("id", "title", "url", "signature_count", "goal", "published")})
if doc["signature_count"] != 0:
    fail("the count does not start at 0")

with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
driver = subprocess.Popen(["chromedriver", f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
WD = f"http://127.0.0.1:{port}"


def wd(method, path, body=None):
    req = urllib.request.Request(WD + path, method=method, headers={"Content-Type": "application/json"},
                                 data=json.dumps(body).encode() if body is not None else None)
    return json.load(urllib.request.urlopen(req, timeout=60))["value"]


try:
    for _ in range(100):
        try:
            urllib.request.urlopen(WD + "/status", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    session = wd("POST", "/session", {"capabilities": {"alwaysMatch": {"goog:chromeOptions": {
        "binary": "/usr/bin/chromium",
        "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=390,844"]}}}})
    S = "/session/" + session["sessionId"]

    def find(css):
        found = wd("POST", S + "/element", {"using": "css selector", "value": css})
        if ELEMENT not in found:
            fail(f"{css}: {found}")
        return found[ELEMENT]

    def click(css):
        wd("POST", S + f"/element/{find(css)}/click", {})
        time.sleep(0.5)

    def shown():
        main = wd("POST", S + "/execute/sync", {"script": "return document.querySelector('main').innerText", "args": []})
        return wd("GET", S + "/url"), wd("GET", S + "/title"), main

    def sign(address):
        wd("POST", S + "/url", {"url": a.petition})
        for name, value in (("first_name", "Camille"), ("last_name", "Durand"), ("email", address)):
            wd("POST", S + f"/element/{find(f'input[name={name}]')}/value", {"text": value})
        click('form[action*="/sign"] button[type=submit]')
        return shown()

    first = sign("camille@example.org")
    print("signed:", first[0], "|", first[1])
    mail = wait_mails(1)[0]
    print("mail:", mail["To"], "|", mail["Subject"])
    link = re.search(r"https?://\S+/confirm/\S+", text(mail)).group(0)
    wd("POST", S + "/url", {"url": link})
    print("the link opens:", wd("GET", S + "/title"))
    if count()["signature_count"] != 0:
        fail("opening the link counted the signature")
    click('form[action^="/confirm/"] button[type=submit]')
    print("the button leads to:", wd("GET", S + "/title"))
    after = count()["signature_count"]
    print("JSON after confirming:", after)
    if after != 1:
        fail("the count is not 1")
    again = sign("camille@example.org")
    print("signed again:", again[0], "|", again[1], "| the same page:", again == first)
    if again != first:
        fail("signing again showed another page")
    print("second mail:", wait_mails(2)[1]["Subject"])
    after = count()["signature_count"]
    print("JSON after signing again:", after)
    if after != 1:
        fail("signing again changed the count")
    wd("DELETE", S)
finally:
    driver.terminate()

# A French reader, without a browser.
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
opener.addheaders = [("Accept-Language", "fr-FR,fr;q=0.9,en;q=0.5")]
page = opener.open(a.petition, timeout=30).read().decode()
print("French page: lang", re.search(r'<html lang="([^"]+)"', page).group(1), "|",
      re.search(r'<button type="submit" class="primary">([^<]+)<', page).group(1).strip())
sign_url = urllib.parse.urljoin(a.base, re.search(r'action="(/petitions/\d+/sign)[#"]', page).group(1))
before = len(mails())
forged = urllib.request.Request(sign_url, data=urllib.parse.urlencode(
    {"first_name": "Sans", "last_name": "Jeton", "email": "sans.jeton@example.org"}).encode(),
    headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
try:
    opener.open(forged, timeout=30)
    fail("a form sent from another site was accepted")
except urllib.error.HTTPError as e:
    body = e.read().decode()
    print("sent from another site:", e.code, "|", h1(body), "|", re.search(r"<h1[^>]*>[^<]*</h1>\s*<p>([^<]+)<", body).group(1))
answer = opener.open(urllib.request.Request(sign_url, data=urllib.parse.urlencode(
    {"first_name": "Élodie", "last_name": "Martin", "email": "elodie@example.org"}).encode(),
    headers={"Origin": a.base.rstrip("/"), "Sec-Fetch-Site": "same-origin"}), timeout=30)
print("French signer:", answer.url, "|", h1(answer.read().decode()))
french = wait_mails(before + 1)[before]
print("French mail:", french["To"], "|", french["Subject"], "|", text(french).split("\n")[0])
time.sleep(2)
if any("sans.jeton" in str(m["To"]) for m in mails()):
    fail("the form sent from another site sent a mail")
print(f"OK: {len(mails())} mails, none for the refused form; count 1")
