-- Per-buffer document blame (`gitinspector/blame`), fetched once per buffer version.
local client = require('gitinspector.client')

local M = {}

---@class gitinspector.Entry
---@field tick integer  changedtick the blame was asked for
---@field data table    the gitinspector/blame result (a whole one: deltas are applied)
---@field starts integer[] first line (0-based) of each run in data.runs

---@type table<integer, gitinspector.Entry>
local entries = {}
---@type table<integer, {tick: integer, callbacks: function[]}>
local pending = {}

--- Number of gitinspector/blame requests sent, and how many were answered
--- with a delta against the blame held (for tests and :checkhealth).
M.requests = 0
M.deltas = 0

--- `runs` is flat pairs {lineCount, commitIndex, ...}; commitIndex is 0-based
--- into `commits`. The first line of each run, for binary search.
local function run_starts(data)
  local starts, line = {}, 0
  local runs = data.runs or {}
  for i = 1, #runs, 2 do
    starts[#starts + 1] = line
    line = line + runs[i]
  end
  return starts
end

--- The whole blame after `result`: `unchanged` keeps `held`, a delta patches
--- held's runs, anything else replaces it. Each edit replaces `deleteCount`
--- numbers at `start`, an index into the held runs (as LSP semantic-token
--- deltas; tests/fixtures/vectors/deltas.json): the edits come in order, so
--- copying the held runs up to each edit's start, then its data, is the same
--- as applying them from the last back.
function M.apply(held, result)
  if result.unchanged then
    return held
  end
  if not result.edits then
    return result
  end
  local runs = {}
  local old = held.runs or {}
  local from = 1
  for _, edit in ipairs(result.edits) do
    for i = from, edit.start do
      runs[#runs + 1] = old[i]
    end
    for _, v in ipairs(edit.data) do
      runs[#runs + 1] = v
    end
    from = edit.start + edit.deleteCount + 1
  end
  for i = from, #old do
    runs[#runs + 1] = old[i]
  end
  return vim.tbl_extend('force', held, {
    runs = runs,
    version = result.version,
    lineCount = result.lineCount,
    resultId = result.resultId,
  })
end

--- The cached blame for the buffer's current version, or nil.
function M.current(bufnr)
  local e = entries[bufnr]
  if e and e.tick == vim.api.nvim_buf_get_changedtick(bufnr) then
    return e
  end
end

--- cb(entry|nil, err): the blame of the buffer's current version; one request per version.
function M.get(bufnr, cb)
  local tick = vim.api.nvim_buf_get_changedtick(bufnr)
  local e = M.current(bufnr)
  if e then
    cb(e)
    return
  end
  local p = pending[bufnr]
  if p and p.tick == tick then
    table.insert(p.callbacks, cb)
    return
  end
  p = { tick = tick, callbacks = { cb } }
  pending[bufnr] = p
  M.requests = M.requests + 1
  -- Name the blame held: the daemon then sends only what changed since.
  local held = entries[bufnr]
  local params = { textDocument = { uri = client.uri(bufnr) } }
  if held and held.data.resultId then
    params.previousResultId = held.data.resultId
  end
  -- Requests flush pending didChange notifications first, so the daemon answers for `tick`.
  client.request(bufnr, 'gitinspector/blame', params, function(err, result)
    if pending[bufnr] == p then
      pending[bufnr] = nil
    end
    local entry
    if not err and result and (held or not (result.unchanged or result.edits)) then
      if result.edits then
        M.deltas = M.deltas + 1
      end
      local data = M.apply(held and held.data, result)
      entry = { tick = tick, data = data, starts = run_starts(data) }
      local cur = entries[bufnr]
      if not cur or cur.tick <= tick then
        entries[bufnr] = entry
      end
    end
    for _, fn in ipairs(p.callbacks) do
      fn(entry, err)
    end
  end)
end

--- The commit of a 0-based line in an entry (binary search over runs).
function M.commit_at(entry, line)
  local starts, runs = entry.starts, entry.data.runs or {}
  local lo, hi = 1, #starts
  while lo <= hi do
    local mid = math.floor((lo + hi) / 2)
    if line < starts[mid] then
      hi = mid - 1
    elseif line >= starts[mid] + runs[2 * mid - 1] then
      lo = mid + 1
    else
      return entry.data.commits[runs[2 * mid] + 1]
    end
  end
end

--- Per-line commits of the whole document (1-based list).
function M.lines(entry)
  local out = {}
  local runs, commits = entry.data.runs or {}, entry.data.commits or {}
  for i = 1, #runs, 2 do
    local c = commits[runs[i + 1] + 1]
    for _ = 1, runs[i] do
      out[#out + 1] = c
    end
  end
  return out
end

function M.clear(bufnr)
  if bufnr then
    entries[bufnr] = nil
    pending[bufnr] = nil
  else
    entries = {}
    pending = {}
  end
end

return M
