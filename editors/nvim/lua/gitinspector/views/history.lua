-- History pickers: `:GitInspector line_history` (the commits that changed a range of lines,
-- gitinspector.lineHistory, as `git log -L`) and `:GitInspector file_history` (the commits of
-- the file, renames followed, gitinspector.fileHistory, as `git log --follow`). The commits
-- are offered with vim.ui.select (whatever picker the user has set it to); the one picked
-- opens in the commit buffer (views/commit.lua).
local client = require('gitinspector.client')
local util = require('gitinspector.util')

local M = {}

--- A commit of a history as a picker shows it: sha, date (the daemon's), author, summary.
function M.format(c)
  local date = c.date
  if type(date) ~= 'string' then
    local config = require('gitinspector.config')
    date = util.date(c.authorTime, config.daemon_setting('dateFormat', client.defaults()))
  end
  return string.format(
    '%s  %s  %s  %s',
    (c.sha or ''):sub(1, 8),
    date,
    c.author or '',
    c.summary or ''
  )
end

--- Offers `commits` with vim.ui.select; the one picked opens in the commit buffer (`path`:
--- the file whose diff the cursor goes to, unless the commit names its own). cb(commit|nil)
--- after the choice.
function M.pick(bufnr, commits, prompt, path, cb)
  vim.ui.select(commits, {
    prompt = prompt,
    kind = 'gitinspector.commit',
    format_item = M.format,
  }, function(choice)
    if choice then
      require('gitinspector.views.commit').show(bufnr, choice.sha, {
        file = choice.path or path,
      })
    end
    if cb then
      cb(choice)
    end
  end)
end

local function run(bufnr, command, args, prompt_of, cb)
  client.execute(bufnr, command, args, function(err, result)
    if err or type(result) ~= 'table' then
      util.notify(
        'history: ' .. (err and err.message or 'no result'),
        err and vim.log.levels.ERROR or vim.log.levels.WARN
      )
      return
    end
    local commits = result.commits or {}
    if #commits == 0 then
      util.notify('history: no commits changed these lines', vim.log.levels.WARN)
      return
    end
    if result.truncated then
      util.notify(string.format('history: the first %d commits', #commits))
    end
    M.pick(bufnr, commits, prompt_of(result), result.path, cb)
  end)
end

--- `:[range]GitInspector line_history`: commits of lines first..last (0-based, inclusive).
function M.lines(bufnr, first, last, cb)
  run(bufnr, 'gitinspector.lineHistory', { client.uri(bufnr), first, last }, function(result)
    return string.format(
      'Commits of %s, lines %d-%d',
      result.path or vim.fn.expand('%:t'),
      first + 1,
      last + 1
    )
  end, cb)
end

--- `:GitInspector file_history`: commits of the file.
function M.file(bufnr, cb)
  run(bufnr, 'gitinspector.fileHistory', { client.uri(bufnr) }, function(result)
    return 'Commits of ' .. (result.path or vim.fn.expand('%:t'))
  end, cb)
end

return M
