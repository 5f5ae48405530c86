-- The mixed reader load of bench/run.py: every request asks for a path picked at random from the
-- file named by BENCH_MIXED_URLS (one path a line), so the page cache sees many pages, not one.
--
-- Each response's X-Page-Cache header (hit, or miss when the page was stored) is counted per
-- thread; done() adds the threads' counts up and prints one line bench/run.py reads:
--   page cache: <hits> hits, <misses> misses, <responses> responses

local threads = {}

-- Runs in the main Lua state, once per thread: keep each thread to read its counters in done(),
-- and give it a number so that the threads do not draw the same random sequence.
function setup(thread)
    thread:set("number", #threads + 1)
    table.insert(threads, thread)
end

-- Globals of each thread's own Lua state, read by done() through thread:get.
hits, misses, responses = 0, 0, 0
local paths = {}

function init(args)
    local name = assert(os.getenv("BENCH_MIXED_URLS"), "BENCH_MIXED_URLS names no URL list")
    for line in assert(io.open(name)):lines() do
        if line ~= "" then
            paths[#paths + 1] = line
        end
    end
    assert(#paths > 0, "the URL list " .. name .. " is empty")
    math.randomseed(os.time() * 100 + number)
end

function request()
    return wrk.format("GET", paths[math.random(#paths)])
end

function response(status, headers, body)
    responses = responses + 1
    local page_cache = headers["X-Page-Cache"]
    if page_cache == "hit" then
        hits = hits + 1
    elseif page_cache == "miss" then
        misses = misses + 1
    end
end

function done(summary, latency, requests)
    local total = { hits = 0, misses = 0, responses = 0 }
    for _, thread in ipairs(threads) do
        for name in pairs(total) do
            total[name] = total[name] + thread:get(name)
        end
    end
    io.write(string.format("page cache: %d hits, %d misses, %d responses\n", total.hits, total.misses, total.responses))
end
