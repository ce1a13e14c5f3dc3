-- Per-buffer document blame (`gitinspector/blame`), fetched once per buffer version.
local client = require('gitinspector.client')

local M = {}

---@class gitinspector.Entry
---@field tick integer  changedtick the blame was asked for
---@field data table    the gitinspector/blame result
---@field commits table<string, table> sha -> commit

---@type table<integer, gitinspector.Entry>
local entries = {}
---@type table<integer, {tick: integer, callbacks: function[]}>
local pending = {}

--- Number of gitinspector/blame requests sent (for tests and :checkhealth).
M.requests = 0

local function index(data)
  local commits = {}
  for _, c in ipairs(data.commits or {}) do
    commits[c.sha] = c
  end
  return commits
end

--- The cached blame for the buffer's current version, or nil.
function M.current(bufnr)
  local e = entries[bufnr]
  if e and e.tick == vim.api.nvim_buf_get_changedtick(bufnr) then
    return e
  end
end

--- The last blame fetched for a buffer, of any version.
function M.last(bufnr)
  return entries[bufnr]
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
  -- Requests flush pending didChange notifications first, so the daemon answers for `tick`.
  client.request(
    bufnr,
    'gitinspector/blame',
    { textDocument = { uri = client.uri(bufnr) } },
    function(err, result)
      if pending[bufnr] == p then
        pending[bufnr] = nil
      end
      local entry
      if not err and result then
        entry = { tick = tick, data = result, commits = index(result) }
        local cur = entries[bufnr]
        if not cur or cur.tick <= tick then
          entries[bufnr] = entry
        end
      end
      for _, fn in ipairs(p.callbacks) do
        fn(entry, err)
      end
    end
  )
end

--- The commit of a 0-based line in an entry (binary search over hunks).
function M.commit_at(entry, line)
  local hunks = entry.data.hunks or {}
  local lo, hi = 1, #hunks
  while lo <= hi do
    local mid = math.floor((lo + hi) / 2)
    local h = hunks[mid]
    if line < h.startLine then
      hi = mid - 1
    elseif line >= h.startLine + h.lineCount then
      lo = mid + 1
    else
      return entry.commits[h.commit]
    end
  end
end

--- Per-line commits of the whole document (1-based list).
function M.lines(entry)
  local out = {}
  for _, h in ipairs(entry.data.hunks or {}) do
    local c = entry.commits[h.commit]
    for i = h.startLine, h.startLine + h.lineCount - 1 do
      out[i + 1] = c
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
