-- `:GitInspector commit`: a float with the details of the cursor line's commit.
local client = require('gitinspector.client')
local util = require('gitinspector.util')

local M = {}

--- Float lines of a gitinspector.showCommit result.
function M.lines(c)
  if c.sha == util.NOT_COMMITTED then
    return { 'Not Committed Yet', '', 'This line differs from the last commit.' }
  end
  local out = { 'commit ' .. (c.sha or '') }
  if c.parents and #c.parents > 1 then
    local short = {}
    for _, p in ipairs(c.parents) do
      short[#short + 1] = p:sub(1, 8)
    end
    out[#out + 1] = 'Merge: ' .. table.concat(short, ' ')
  end
  local function when(t)
    if not t then
      return ''
    end
    return os.date('%Y-%m-%d %H:%M', t) .. ' (' .. util.relative_date(t) .. ')'
  end
  out[#out + 1] = string.format('Author:    %s <%s>', c.author or '', c.email or '')
  out[#out + 1] = 'Date:      ' .. when(c.authorTime)
  if c.committer and (c.committer ~= c.author or c.committerTime ~= c.authorTime) then
    out[#out + 1] = 'Committer: ' .. c.committer
    out[#out + 1] = 'Committed: ' .. when(c.committerTime)
  end
  out[#out + 1] = ''
  local message = c.message and c.message ~= '' and c.message or (c.summary or '')
  for _, l in ipairs(vim.split(vim.trim(message), '\n', { plain = true })) do
    out[#out + 1] = '    ' .. l
  end
  if type(c.file) == 'table' and c.file.path then
    out[#out + 1] = ''
    out[#out + 1] = string.format(
      '%s | +%d -%d',
      c.file.path,
      tonumber(c.file.insertions) or 0,
      tonumber(c.file.deletions) or 0
    )
  end
  return out
end

function M.open(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local line = vim.api.nvim_win_get_cursor(0)[1] - 1
  client.execute(
    bufnr,
    'gitinspector.showCommit',
    { client.uri(bufnr), line },
    function(err, result)
      if err or not result then
        util.notify('commit: ' .. (err and err.message or 'no result'), vim.log.levels.ERROR)
        return
      end
      util.open_float(M.lines(result), { title = 'commit', filetype = 'git' })
    end
  )
end

return M
