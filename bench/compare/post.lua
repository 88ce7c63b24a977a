-- wrk script: POST the JSON body in $BODY_FILE (written by make_bodies.py: body-1.json or body-64.json).
local path = os.getenv("BODY_FILE")
local file = assert(io.open(path, "rb"), "cannot open BODY_FILE " .. tostring(path))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"

-- Count non-2xx answers so a fast stream of errors is never mistaken for throughput.
local bad = 0
function response(status, headers, body)
  if status < 200 or status > 299 then bad = bad + 1 end
end
function done(summary, latency, requests)
  io.write(string.format("non2xx_in_last_thread %d\n", bad))
end
