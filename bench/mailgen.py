#!/usr/bin/env python3
"""mailgen.py - varied RFC 5322 messages for bench/mail_bench.sh (Python standard library only).

    mailgen.py files DIR N [--seed S] [--tag T] [--new-only]   # DIR/000000.eml ..., DIR/list
    mailgen.py mbox FILE N [--seed S] [--tag T] [--new-only]   # one mboxrd file

Each message is 1 to 20 KB: plain text (8bit or quoted-printable), multipart/alternative with an
HTML part, or either inside multipart/mixed with a small attachment (1 to 6 KB of base64). Some
subjects are encoded words (UTF-8 and ISO-8859-1). About a quarter continue an earlier
conversation: a reply with In-Reply-To and References naming an earlier message's Message-ID, or
(rarer) a new message from the same customer whose subject carries "[#N]", where N is the ticket
that conversation opened in a fresh database (tickets are numbered in the order conversations
start; --first-ticket moves that). Senders come from a pool large enough that no address sends
more than a few messages, so mail-in's per-sender limits (60 messages, 10 new tickets an hour)
are never reached. Message-IDs carry the tag (default "b"), so two sets made with different tags
never collide. Lines starting with "From " occur in some bodies; the mbox is mboxrd-escaped.
--new-only: every message starts a conversation (one ticket each). Deterministic for a seed.
"""
import argparse
import base64
import email.header
import email.utils
import os
import quopri
import random
import re
import sys
import time

WORDS = ("account invoice export password outage billing upgrade downgrade webhook token import "
         "invite seat plan trial storage backup report dashboard login browser mobile app sync "
         "error message page button setting team admin user customer order refund payment card "
         "charge receipt subscription renewal email notification calendar schedule shift queue "
         "ticket reply update version release fix problem issue slow timeout server data file "
         "upload download link permission role access the a an and or but with for from to in on "
         "at of is was are were be been it this that we you they our your my please thanks "
         "again still cannot could would should when after before since yesterday today morning "
         "since week month") .split()
FIRST = ("Anna Ben Chloé Dmitri Elena Farid Greta Hiro Inés Jonas Kofi Lena Marta Nils Olga Pablo "
         "Quinn Rosa Søren Tomás Uma Viktor Wen Xavier Yara Zoë").split()
LAST = ("Müller Smith García Rossi Novak Kowalski Dubois Jensen Tanaka Okafor Silva Andersson "
        "Petrov Nguyen Larsen O'Brien Haddad Costa Bauer Moreau").split()
DOMAINS = ["example.com", "example.org", "mail.example.net", "customer.test", "acme.test",
           "globex.test", "initech.test", "umbrella.test", "hooli.test", "stark.test"]
UTF8_SUBJECTS = ["Café-Rechnung doppelt abgebucht ✓", "Überweisung fehlt – bitte prüfen",
                 "Заказ не пришёл", "注文が届きません", "Problème d'accès à l'export 🙁",
                 "Año nuevo, factura nueva: ¿error?"]
LATIN1_SUBJECTS = ["Problème de facturation", "Réclamation: accès refusé", "Größe der Datei",
                   "Année fiscale: reçu manquant", "Señal perdida en la aplicación"]
PLAIN_SUBJECTS = ["Cannot log in since this morning", "Invoice is wrong", "Export stopped at 50%",
                  "Webhook keeps timing out", "How do I add a seat?", "Refund for order",
                  "App crashes on start", "Password reset mail never arrives",
                  "Question about my plan", "Sync is slow", "Data missing after import"]
ATTACH = [("screenshot.png", "image/png"), ("invoice.pdf", "application/pdf"),
          ("export.csv", "text/csv"), ("log.txt", "text/plain"), ("data.bin", "application/octet-stream")]
SUPPORT = "support@bench.test"


def sentence(rng):
    w = rng.choices(WORDS, k=rng.randint(6, 16))
    w[0] = w[0].capitalize()
    return " ".join(w) + rng.choice("...?!")


def wrap(p):
    lines, line = [], ""
    for word in p.split():
        if line and len(line) + 1 + len(word) > 72:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return lines


FROM_LINES = ["From the logs it looks like the job never started.",
              ">From what I can tell it happens every night.",
              "From now on we will use the new address."]


class Paragraphs:
    """A pool of wrapped paragraphs (made once: drawing words one by one for 50,000 messages
    takes too long), from which bodies are put together, each with a sentence of its own."""

    def __init__(self, rng, n=4000):
        self.pool = []
        for _ in range(n):
            p = "\n".join(wrap(" ".join(sentence(rng) for _ in range(rng.randint(2, 6)))))
            self.pool.append((p, len(p.encode()) + 2))

    def text(self, rng, nbytes, froms):
        """Body text of about nbytes, wrapped at 72, with a "From " line now and then."""
        paras, size = ["\n".join(wrap(" ".join(sentence(rng) for _ in range(3))))], 0
        while size < nbytes:
            p, n = self.pool[rng.randrange(len(self.pool))]
            paras.append(p)
            size += n
        if froms:
            paras.insert(rng.randrange(len(paras) + 1), rng.choice(FROM_LINES))
        return "\n\n".join(paras)


def html_of(text):
    esc = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    body = "".join(f"<p>{p.replace(chr(10), '<br>')}</p>\n" for p in esc.split("\n\n"))
    return ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><style>p{margin:0 0 1em}"
            "</style></head>\n<body>\n" + body + "</body></html>")


def encode_text(rng, text):
    """(Content-Transfer-Encoding, body) for a UTF-8 text part."""
    raw = text.encode()
    if rng.random() < 0.5:  # (lines are wrapped at 72)
        return "7bit" if raw.isascii() else "8bit", text
    return "quoted-printable", quopri.encodestring(raw).decode("ascii")


def part(ctype, cte, body, extra=""):
    return f"Content-Type: {ctype}\nContent-Transfer-Encoding: {cte}\n{extra}\n{body}\n"


def multipart(rng, sub, parts):
    b = "=_b%016x" % rng.getrandbits(64)
    out = "".join(f"--{b}\n{p}" for p in parts) + f"--{b}--\n"
    return f'multipart/{sub}; boundary="{b}"', out


def subject_header(rng, subject):
    r = rng.random()
    if r < 0.10:
        s = rng.choice(UTF8_SUBJECTS)
        return email.header.Header(f"{s} {subject}" if subject else s, "utf-8").encode(), s
    if r < 0.16:
        s = rng.choice(LATIN1_SUBJECTS)
        return email.header.Header(s, "iso-8859-1").encode(), s
    return subject, subject


class Gen:
    def __init__(self, seed, tag, new_only, first_ticket):
        self.rng = random.Random(seed)
        self.tag = tag
        self.new_only = new_only
        self.first_ticket = first_ticket
        self.threads = []  # [ticket number, customer (name, email), subject, [message ids]]
        self.n = 0
        self.sender = 0
        self.t = 1_700_000_000
        self.paragraphs = Paragraphs(self.rng)

    def customer(self):
        # a new address for every conversation: with the replies a sender sends a few messages
        i = self.sender
        self.sender += 1
        rng = self.rng
        first, last = rng.choice(FIRST), rng.choice(LAST)
        local = f"{first}.{last}".lower().encode("ascii", "ignore").decode().replace("'", "")
        return f"{first} {last}", f"{local}.{i}@{DOMAINS[i % len(DOMAINS)]}"

    def message(self):
        rng = self.rng
        self.n += 1
        self.t += rng.randint(1, 90)
        msgid = f"<{self.tag}.{self.n}.{rng.getrandbits(40):x}@mailgen.bench.test>"
        headers = []
        r = rng.random()
        if self.threads and not self.new_only and r < 0.22:
            th = rng.choice(self.threads[-2000:])
            kind = "reply"
            name, addr = th[1]
            subject_h = "Re: " + th[2]
            parent = rng.choice(th[3])
            refs = th[3][-5:]
            headers.append(f"In-Reply-To: {parent}")
            headers.append("References: " + " ".join(refs))
            th[3].append(msgid)
        elif self.threads and not self.new_only and r < 0.28:
            th = rng.choice(self.threads[-2000:])
            kind = "token"
            name, addr = th[1]
            subject_h = f"[#{th[0]}] more about my ticket"
            th[3].append(msgid)
        else:
            kind = "new"
            name, addr = self.customer()
            subject_h, subject = subject_header(rng, rng.choice(PLAIN_SUBJECTS))
            self.threads.append([self.first_ticket + len(self.threads), (name, addr), subject_h,
                                 [msgid]])
        # 1..20 KB in all, most of them a few KB; an HTML part about doubles the text
        size = int(min(17000, max(1200, rng.lognormvariate(8.0, 0.7))))
        attach = rng.random() < 0.15
        asize = rng.randint(1000, 4500) if attach else 0  # raw bytes: 1.3 to 6 KB of base64
        html = rng.random() < 0.45
        budget = max(150, (size - 800 - asize * 4 // 3) // (2 if html else 1))
        text = self.paragraphs.text(rng, budget, froms=rng.random() < 0.1)
        if kind != "new":
            text += "\n\nOn Mon, 3 Jun 2024 someone wrote:\n> " + \
                    "\n> ".join(self.paragraphs.text(rng, 300, False).split("\n"))
        cte, body = encode_text(rng, text)
        tpart = ("text/plain; charset=utf-8", cte, body)
        if html:
            hcte, hbody = encode_text(rng, html_of(text))
            ctype, body = multipart(rng, "alternative",
                                    [part(*tpart), part("text/html; charset=utf-8", hcte, hbody)])
            cte = "7bit"
        else:
            ctype = tpart[0]
        if attach:
            fname, ftype = rng.choice(ATTACH)
            data = base64.encodebytes(rng.randbytes(asize)).decode("ascii")
            ctype, body = multipart(rng, "mixed", [
                f"Content-Type: {ctype}\nContent-Transfer-Encoding: {cte}\n\n{body}\n",
                part(f'{ftype}; name="{fname}"', "base64", data,
                     f'Content-Disposition: attachment; filename="{fname}"\n')])
            cte = "7bit"
        hdr = [
            "Return-Path: <%s>" % addr,
            "Received: from mx.%s (mx.%s [192.0.2.%d]) by mx.bench.test with ESMTPS id %x; %s"
            % (addr.split("@")[1], addr.split("@")[1], rng.randint(1, 254),
               rng.getrandbits(48), email.utils.formatdate(self.t)),
            "From: " + email.utils.formataddr((name, addr), "utf-8"),
            "To: Support <%s>" % SUPPORT,
            "Subject: " + subject_h,
            "Date: " + email.utils.formatdate(self.t),
            "Message-ID: " + msgid,
        ] + headers
        if rng.random() < 0.1:
            hdr.append("Cc: " + email.utils.formataddr(("A Colleague", f"colleague{self.n}@{addr.split('@')[1]}")))
        hdr += ["MIME-Version: 1.0", "Content-Type: " + ctype]
        if not ctype.startswith("multipart/"):
            hdr.append("Content-Transfer-Encoding: " + cte)
        hdr.append("User-Agent: mailgen/1.0")
        return addr, "\n".join(hdr) + "\n\n" + body


MBOXRD = re.compile(r"^(>*From )", re.M)


def mboxrd(text):
    """mboxrd: a line starting with "From " after any number of ">" gets one more ">"."""
    return MBOXRD.sub(r">\1", text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("mode", choices=["files", "mbox"])
    ap.add_argument("out")
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tag", default="b")
    ap.add_argument("--new-only", action="store_true")
    ap.add_argument("--first-ticket", type=int, default=1)
    a = ap.parse_args()
    g = Gen(a.seed, a.tag, a.new_only, a.first_ticket)
    total = 0
    if a.mode == "files":
        os.makedirs(a.out, exist_ok=True)
        with open(os.path.join(a.out, "list"), "w") as lst:
            for i in range(a.n):
                _, m = g.message()
                path = os.path.join(a.out, "%06d.eml" % i)
                data = m.encode()
                total += len(data)
                with open(path, "wb") as f:
                    f.write(data)
                lst.write(path + "\n")
    else:
        with open(a.out, "wb") as f:
            for i in range(a.n):
                addr, m = g.message()
                data = ("From %s %s\n%s\n\n" % (addr, time.asctime(time.gmtime(g.t)),
                                                mboxrd(m))).encode()
                total += len(data)
                f.write(data)
    print(f"mailgen: {a.n} messages, {total} bytes, {len(g.threads)} conversations",
          file=sys.stderr)


if __name__ == "__main__":
    main()
