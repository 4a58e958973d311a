-- Signing load for wrk: every connection behaves like a browser. It opens the petition page without
-- cookies (a new visitor: the answer sets a CSRF cookie and carries the token), then posts the sign
-- form with that cookie, that token and a fresh address, then opens the page again, and so on.
-- Each signer comes from an address of its own, given in X-Real-IP (the server runs with
-- ip_header = X-Real-IP, as behind a proxy), so that the limits per client address are checked on
-- every signature and never hold an honest one.
-- Arguments: <petition path> <sign path> <tag making the addresses of this run unique>.
local threads = {}
local next_id = 1

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  page_path, sign_path, tag = args[1], args[2], args[3]
  ready = {}
  n, signed, other, pages = 0, 0, 0, 0
end

function request()
  local visitor = table.remove(ready)
  if visitor then
    n = n + 1
    local body = "csrf=" .. visitor[2] .. "&first_name=Sam&last_name=Load&email=s" .. tid .. "." .. n
      .. "." .. tag .. "%40example.org"
    local ip = "10." .. tid .. "." .. (math.floor(n / 256) % 256) .. "." .. (n % 256)
    return wrk.format("POST", sign_path,
      { ["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = visitor[1],
        ["X-Real-IP"] = ip }, body)
  end
  return wrk.format("GET", page_path)
end

function response(status, headers, body)
  if status == 200 then
    pages = pages + 1
    local cookie = headers["Set-Cookie"] or headers["set-cookie"]
    local token = body:match('name="csrf" value="([^"]+)"')
    if cookie and token then
      table.insert(ready, { cookie:match("^([^;]+)"), token })
    end
  elseif status == 303 then
    signed = signed + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local s, o, p = 0, 0, 0
  for _, t in ipairs(threads) do
    s = s + t:get("signed")
    o = o + t:get("other")
    p = p + t:get("pages")
  end
  io.write(string.format("BENCH signed=%d other=%d pages=%d seconds=%.3f\n", s, o, p,
    summary.duration / 1e6))
end
