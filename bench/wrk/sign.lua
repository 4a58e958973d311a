-- Signing load for wrk: every connection behaves like a browser. It opens the petition page without
-- cookies (a new visitor: the page is the same for everyone and sets no cookie), then posts the sign
-- form with a fresh address, saying where it comes from as a browser does (Sec-Fetch-Site, Origin),
-- then opens the page again, and so on.
-- Each signer comes from an address of its own, given in X-Real-IP (the server runs with
-- ip_header = X-Real-IP, as behind a proxy), so that the limits per client address are checked on
-- every signature and never hold an honest one.
-- Arguments: <petition path> <sign path> <tag making the addresses of this run unique> [<origin>].
local threads = {}
local next_id = 1

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  page_path, sign_path, tag, origin = args[1], args[2], args[3], args[4]
  ready = {}
  n, signed, other, pages = 0, 0, 0, 0
end

function request()
  local visitor = table.remove(ready)
  if visitor then
    n = n + 1
    local body = "first_name=Sam&last_name=Load&email=s" .. tid .. "." .. n
      .. "." .. tag .. "%40example.org"
    if visitor[2] then body = "csrf=" .. visitor[2] .. "&" .. body end
    local ip = "10." .. tid .. "." .. (math.floor(n / 256) % 256) .. "." .. (n % 256)
    local headers = { ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Sec-Fetch-Site"] = "same-origin", ["X-Real-IP"] = ip }
    if origin then headers["Origin"] = origin end
    if visitor[1] then headers["Cookie"] = visitor[1] end
    return wrk.format("POST", sign_path, headers, body)
  end
  return wrk.format("GET", page_path)
end

function response(status, headers, body)
  if status == 200 then
    pages = pages + 1
    -- A page rendered for one visitor (with a token and its cookie) is posted with them.
    local cookie = headers["Set-Cookie"] or headers["set-cookie"]
    local token = body:match('name="csrf" value="([^"]+)"')
    table.insert(ready, { cookie and cookie:match("^([^;]+)"), token })
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
