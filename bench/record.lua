-- wrk: each request asks for the inclusion proof of a random entry of a log of LOG_SIZE entries.
local size = tonumber(os.getenv("LOG_SIZE"))
math.randomseed(1)
request = function()
  return wrk.format("GET", "/log/proof/" .. math.random(0, size - 1) .. ".tlog-proof")
end
