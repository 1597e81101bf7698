-- wrk script for bench/search: cycles through the benchmark's queries as /{lang}/search URLs.
local paths = {}
local i = 0
local function encode(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
for line in io.lines(os.getenv("QUERIES") or "bench/search-queries.tsv") do
  local lang, q = line:match("^(%a+)\t(.*)$")
  if lang then table.insert(paths, "/" .. lang .. "/search?q=" .. encode(q)) end
end
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
