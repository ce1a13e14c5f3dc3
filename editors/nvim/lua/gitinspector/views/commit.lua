-- Commits (`gitinspector.showCommit`): a float at the cursor with the commit of a line and
-- what it did to the file (`:GitInspector commit`, <CR> in the blame window), and a scratch
-- buffer with the whole commit: message, files and diff (`:GitInspector commit {sha}`, the
-- history pickers, <CR> in the float). Dates are the daemon's `date` (its dateFormat).
local client = require('gitinspector.client')
local config = require('gitinspector.config')
local util = require('gitinspector.util')

local M = {}

--- A date of the commit as the daemon formats dates: its own `date` for the author date,
--- the same dateFormat for others.
local function date(bufnr, c, t)
  if t == c.authorTime and type(c.date) == 'string' and c.date ~= '' then
    return c.date
  end
  return util.date(t, config.daemon_setting('dateFormat', client.defaults(bufnr)))
end

--- The header of a commit, as `git show` prints it: sha, merge parents, author, date,
--- committer when another, the message.
function M.header(c, bufnr)
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
  out[#out + 1] = string.format('Author: %s <%s>', c.author or '', c.email or '')
  out[#out + 1] = 'Date:   ' .. date(bufnr, c, c.authorTime)
  if c.committer and (c.committer ~= c.author or c.committerTime ~= c.authorTime) then
    out[#out + 1] = 'Commit: ' .. c.committer
    out[#out + 1] = 'CommitDate: ' .. date(bufnr, c, c.committerTime)
  end
  out[#out + 1] = ''
  local message = c.message and c.message ~= '' and c.message or (c.summary or '')
  for _, l in ipairs(vim.split(vim.trim(message), '\n', { plain = true })) do
    out[#out + 1] = (('    ' .. l):gsub('%s+$', ''))
  end
  return out
end

local function lines_of(diff)
  if type(diff) == 'table' then
    return diff
  end
  return util.text_lines(diff)
end

--- " path | +I -D": what the commit did to one file.
local function file_change(file)
  return string.format(
    ' %s | +%d -%d',
    file.path,
    tonumber(file.insertions) or 0,
    tonumber(file.deletions) or 0
  )
end

--- The float's lines: the header, the file's change and its diff in this commit.
function M.float_lines(c, bufnr)
  local out = M.header(c, bufnr)
  if c.sha == util.NOT_COMMITTED then
    return out
  end
  if type(c.file) == 'table' and c.file.path then
    out[#out + 1] = ''
    out[#out + 1] = file_change(c.file)
  end
  local diff = lines_of(c.fileDiff)
  if #diff > 0 then
    out[#out + 1] = ''
    vim.list_extend(out, diff)
    if c.fileDiffTruncated then
      out[#out + 1] = '[the diff is cut here: <CR> shows the whole commit]'
    end
  end
  return out
end

--- The commit buffer's lines: the header, the files it changed, the whole diff.
function M.buffer_lines(c, bufnr)
  local out = M.header(c, bufnr)
  local files = type(c.files) == 'table' and c.files or {}
  if #files > 0 then
    out[#out + 1] = ''
    local names, width = {}, 0
    for i, f in ipairs(files) do
      local name = f.path or ''
      if f.oldPath and f.oldPath ~= f.path then
        name = f.oldPath .. ' → ' .. name
      end
      names[i] = name
      width = math.max(width, util.width(name))
    end
    for i, f in ipairs(files) do
      out[#out + 1] = string.format(
        ' %s %s | +%d -%d',
        tostring(f.status or ' '),
        util.pad(names[i], math.min(width, 60)),
        tonumber(f.insertions) or 0,
        tonumber(f.deletions) or 0
      )
    end
    out[#out + 1] = string.format(' %d file%s changed', #files, #files == 1 and '' or 's')
  elseif type(c.file) == 'table' and c.file.path then
    out[#out + 1] = ''
    out[#out + 1] = file_change(c.file)
  end
  local diff = lines_of(c.diff)
  if #diff == 0 then
    diff = lines_of(c.fileDiff)
  end
  if #diff > 0 then
    out[#out + 1] = ''
    vim.list_extend(out, diff)
    if c.diffTruncated then
      out[#out + 1] = '[the diff is cut here: it is too long to show]'
    end
  end
  return out
end

--- Runs gitinspector.showCommit for `target` (a sha, or a 0-based line of the buffer): the
--- commit, its files and diff, and the diff of the buffer's file in it (found under the name
--- it had then). opts: {uri (default: the buffer's)}. cb(err, commit).
function M.fetch(bufnr, target, opts, cb)
  opts = opts or {}
  local args = { opts.uri or client.uri(bufnr), target }
  client.execute(bufnr, 'gitinspector.showCommit', args, function(err, result)
    if err or type(result) ~= 'table' then
      err = err or { message = 'no result' }
      util.notify('commit: ' .. err.message, vim.log.levels.ERROR)
      cb(err, nil)
      return
    end
    cb(nil, result)
  end)
end

--- Shows a showCommit result in the scratch buffer gitinspector://commit/<sha> (filetype
--- git), in a window below (reused when one shows it); q closes it. opts.file: the cursor
--- goes to the diff of that file (its path in the commit). Returns the buffer.
function M.buffer(c, bufnr, opts)
  opts = opts or {}
  local name = 'gitinspector://commit/' .. (c.sha or '?')
  local buf = util.scratch_buffer(name, 'wipe')
  util.set_lines(buf, M.buffer_lines(c, bufnr))
  vim.bo[buf].filetype = 'git'
  vim.keymap.set('n', 'q', function()
    if #vim.api.nvim_list_wins() > 1 then
      vim.cmd('close')
    else
      vim.cmd('bdelete')
    end
  end, { buffer = buf, nowait = true, desc = 'gitinspector: close the commit' })
  local count = vim.api.nvim_buf_line_count(buf)
  local win = vim.fn.win_findbuf(buf)[1]
  if win then
    vim.api.nvim_set_current_win(win)
  else
    vim.cmd('botright split')
    util.unbind(0)
    vim.api.nvim_win_set_buf(0, buf)
    -- Tall enough for a small commit, at most 60% of the screen.
    vim.api.nvim_win_set_height(0, math.max(5, math.min(count, math.floor(vim.o.lines * 0.6))))
  end
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  if opts.file then
    local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
    for i, l in ipairs(lines) do
      if l:match('^diff %-%-git ') and l:find(' b/' .. opts.file, 1, true) then
        vim.api.nvim_win_set_cursor(0, { i, 0 })
        if i + 5 > vim.api.nvim_win_get_height(0) then
          vim.cmd('normal! zt') -- the file's diff from the top of the window
        end
        break
      end
    end
  end
  return buf
end

--- Shows a showCommit result in a float at the cursor; <CR> in it opens the whole commit in
--- its buffer. Returns buf, win.
function M.show_float(c, bufnr, opts)
  opts = opts or {}
  local title = c.sha == util.NOT_COMMITTED and 'commit'
    or ('commit ' .. (c.sha or ''):sub(1, 8) .. ' · <CR> whole commit')
  local buf, win = util.open_float(M.float_lines(c, bufnr), {
    title = title,
    filetype = 'git',
    at_cursor = true,
    max_width = 100,
    max_height = math.max(8, math.floor(vim.o.lines * 0.6)),
  })
  if c.sha ~= util.NOT_COMMITTED then
    vim.keymap.set('n', '<CR>', function()
      if vim.api.nvim_win_is_valid(win) then
        vim.api.nvim_win_close(win, true)
      end
      local full = opts.uri and { uri = opts.uri, file = opts.file } or { file = opts.file }
      M.fetch(bufnr, c.sha, full, function(err, whole)
        if not err then
          M.buffer(whole, bufnr, { file = opts.file or (c.file and c.file.path) })
        end
      end)
    end, { buffer = buf, nowait = true, desc = 'gitinspector: the whole commit' })
  end
  return buf, win
end

--- The float of `target` (sha or 0-based line) at the cursor. opts as M.fetch.
function M.float(bufnr, target, opts)
  M.fetch(bufnr, target, opts, function(err, c)
    if not err then
      M.show_float(c, bufnr, opts)
    end
  end)
end

--- `:GitInspector commit`: the cursor line's commit in a float at the cursor (in the blame
--- window or an older version: the commit of that line of that version).
function M.open(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local bw = require('gitinspector.views.blame_window')
  local state = bw.of_buffer(bufnr)
  if state then
    if vim.api.nvim_get_current_win() == state.src_win and vim.api.nvim_win_is_valid(state.win) then
      local line = vim.api.nvim_win_get_cursor(state.src_win)[1]
      vim.api.nvim_win_set_cursor(state.win, { line, 0 })
    end
    bw.show_commit(state)
    return
  end
  local line = vim.api.nvim_win_get_cursor(0)[1] - 1
  M.float(bufnr, line, {})
end

--- `:GitInspector commit {sha}` (and the history pickers): the whole commit in its buffer.
--- opts: {uri, file} (M.fetch, M.buffer); cb(err, buf) when shown.
function M.show(bufnr, sha, opts, cb)
  opts = opts or {}
  M.fetch(bufnr, sha, opts, function(err, c)
    local buf
    if not err then
      buf = M.buffer(c, bufnr, opts)
    end
    if cb then
      cb(err, buf)
    end
  end)
end

return M
