-- `:GitInspector blame`: a blame window left of the file, as `:Gitsigns blame` has it: one
-- line per hunk (the lines of one commit) with its sha, author, date and summary, a bar down
-- the rest of the hunk; a named buffer (`gitinspector://blame/<path>`), focused when it
-- opens, scroll- and cursor-bound to the file. Keys: <CR> / s the commit of the line (a
-- float at the cursor with its diff), r the blame at the parent of that commit
-- (gitinspector.blamePrior: the older version, read-only, in the file's window, with its own
-- blame; again to step further back), <BS> one step forward, R back to the working tree, q
-- close, g? the keys.
--
-- Author names are in the colour of their rank in the file (colors.lua); the dates carry
-- the age heatmap as a background.
local cache = require('gitinspector.cache')
local client = require('gitinspector.client')
local colors = require('gitinspector.colors')
local config = require('gitinspector.config')
local util = require('gitinspector.util')

local M = {}

M.ns = vim.api.nvim_create_namespace('gitinspector_blame_window')

--- Widest author column and summary shown.
local AUTHOR_WIDTH = 20
local BAR = '│'

M.keys = {
  { '<CR>', 'the commit of this line (float with its diff; <CR> in it: the whole commit)' },
  { 's', 'the same' },
  { 'r', 'blame at the parent of this commit (the older version, read-only)' },
  { '<BS>', 'one step forward again (after r)' },
  { 'R', 'back to the working tree' },
  { 'q', 'close' },
  { 'g?', 'these keys' },
}

---@class gitinspector.BlameState
---@field buf integer       the blame buffer
---@field win integer       the blame window
---@field src integer       the working-tree buffer
---@field src_win integer   the file's window
---@field uri string        the working-tree file's URI (requests name it)
---@field path string       its path in the repository
---@field stack table[]     older versions shown by `r`: {revision, commit, path, buf, data}
---@field data table        the blame shown: {runs, commits, currentUser?}
---@field hunks table[]     {start (0-based), count, commit}
---@field src_wrap boolean  the file's window's 'wrap', turned off while the blame window is open

---@type table<integer, gitinspector.BlameState>  blame buffer -> state
local states = {}

--- The state of a working-tree buffer's blame window (nil: none open).
function M.get(src)
  src = src or vim.api.nvim_get_current_buf()
  for _, s in pairs(states) do
    if s.src == src then
      return s
    end
  end
end

--- The state a window belongs to: the blame window or the file's window of one.
function M.of_window(win)
  win = win or vim.api.nvim_get_current_win()
  for _, s in pairs(states) do
    if s.win == win or s.src_win == win then
      return s
    end
  end
end

--- The state of a blame buffer or of an older version's buffer.
function M.of_buffer(buf)
  if states[buf] then
    return states[buf]
  end
  for _, s in pairs(states) do
    for _, v in ipairs(s.stack) do
      if v.buf == buf then
        return s
      end
    end
  end
end

--- Hunks of a blame answer ({runs, commits}): {start (0-based), count, commit}.
function M.hunks(data)
  local out, line = {}, 0
  local runs, commits = data.runs or {}, data.commits or {}
  for i = 1, #runs, 2 do
    local commit = commits[runs[i + 1] + 1]
    if runs[i] > 0 then
      out[#out + 1] = { start = line, count = runs[i], commit = commit }
    end
    line = line + runs[i]
  end
  return out
end

--- The commit of a 0-based line in the hunks.
local function commit_at(hunks, line)
  for _, h in ipairs(hunks) do
    if line >= h.start and line < h.start + h.count then
      return h.commit
    end
  end
end

--- Lines and highlights of the blame window for a blame answer: the first line of each hunk
--- `<sha> <author> <date> <summary>`, the others a bar. `line_count`: lines of the file shown
--- (the window has as many). opts: {you, date_format, heatmap, current_user}.
function M.render(data, line_count, opts)
  opts = opts or {}
  local hunks = M.hunks(data)
  local user = opts.current_user or data.currentUser
  local cells = {}
  local author_w, date_w = 0, 0
  local oldest, newest
  for i, h in ipairs(hunks) do
    local c = h.commit or {}
    local uncommitted = c.sha == util.NOT_COMMITTED
    local cell = {
      sha = uncommitted and string.rep(' ', 8) or (c.sha or ''):sub(1, 8),
      author = util.author(c, user, opts.you),
      date = uncommitted and '' or util.date(c.authorTime, opts.date_format, opts.now),
      summary = uncommitted and '' or (c.summary or ''),
    }
    cells[i] = cell
    author_w = math.max(author_w, util.width(cell.author))
    date_w = math.max(date_w, util.width(cell.date))
    if not uncommitted and type(c.authorTime) == 'number' then
      oldest = math.min(oldest or c.authorTime, c.authorTime)
      newest = math.max(newest or c.authorTime, c.authorTime)
    end
  end
  author_w = math.min(author_w, AUTHOR_WIDTH)
  local lines, hls = {}, {}
  local count = line_count or 0
  for i = 1, count do
    lines[i] = ''
  end
  for i, h in ipairs(hunks) do
    local c, cell = h.commit or {}, cells[i]
    local row = h.start
    if row < count then
      local author_group = colors.group(c.authorRank)
      if c.sha == util.NOT_COMMITTED then
        lines[row + 1] = cell.author
        hls[#hls + 1] = { row, 0, #cell.author, colors.NOT_COMMITTED }
      else
        local author = util.pad(cell.author, author_w)
        local date = util.pad(cell.date, date_w)
        local text = table.concat({ cell.sha, author, date, cell.summary }, ' ')
        lines[row + 1] = (text:gsub('%s+$', ''))
        local col = 0
        hls[#hls + 1] = { row, col, #cell.sha, 'GitInspectorBlameSha' }
        col = #cell.sha + 1
        hls[#hls + 1] = { row, col, col + #author, author_group }
        col = col + #author + 1
        if #cell.date > 0 then
          hls[#hls + 1] = { row, col, col + #cell.date, opts.date_group or 'GitInspectorBlameDate' }
          if opts.heatmap ~= false then
            hls[#hls + 1] =
              { row, col, col + #cell.date, colors.age_group(c.authorTime, oldest, newest) }
          end
        end
      end
      for r = row + 1, math.min(row + h.count, count) - 1 do
        lines[r + 1] = BAR
        hls[#hls + 1] = { r, 0, #BAR, author_group }
      end
    end
  end
  return lines, hls, hunks
end

--- The view options of the buffer's daemon (user options, else its announced defaults).
local function render_opts(state)
  local o = config.options
  return {
    you = o.you,
    date_format = config.daemon_setting('dateFormat', client.defaults(state.src)),
    heatmap = o.heatmap,
    date_group = o.highlights.window_date,
  }
end

local function width_of(lines)
  local width = 0
  for _, l in ipairs(lines) do
    width = math.max(width, util.width(l))
  end
  return width
end

--- Empty rows above the lines the file's window shows a lens row above (lens.lua), so that
--- both windows keep their lines side by side.
M.filler_ns = vim.api.nvim_create_namespace('gitinspector_blame_window_filler')
local function mirror_lenses(state)
  if not vim.api.nvim_buf_is_valid(state.buf) then
    return
  end
  vim.api.nvim_buf_clear_namespace(state.buf, M.filler_ns, 0, -1)
  if #state.stack > 0 then
    return -- an older version: no lenses
  end
  local count = vim.api.nvim_buf_line_count(state.buf)
  for _, row in ipairs(require('gitinspector.lens').rows(state.src)) do
    if row < count then
      -- Inside a hunk the bar goes on through the row.
      local chunk = { '', '' }
      for _, h in ipairs(state.hunks or {}) do
        if row > h.start and row < h.start + h.count then
          chunk = { BAR, colors.group((h.commit or {}).authorRank) }
        end
      end
      vim.api.nvim_buf_set_extmark(state.buf, M.filler_ns, row, 0, {
        virt_lines = { { chunk } },
        virt_lines_above = true,
      })
    end
  end
end

-- Lenses redrawn in a file: its blame window follows their rows.
table.insert(require('gitinspector.lens').on_draw, function(bufnr)
  for _, s in pairs(states) do
    if s.src == bufnr then
      mirror_lenses(s)
    end
  end
end)

--- Draws `data` ({runs, commits, currentUser}) over `line_count` lines in the blame window.
local function fill(state, data, line_count)
  state.data = data
  local lines, hls, hunks = M.render(data, line_count, render_opts(state))
  state.hunks = hunks
  -- Replacing every line would put the cursor (and, cursor-bound, the file's) on line 1.
  local cursor = vim.api.nvim_win_is_valid(state.win) and vim.api.nvim_win_get_cursor(state.win)
  util.set_lines(state.buf, lines)
  if cursor then
    cursor[1] = math.max(1, math.min(cursor[1], #lines))
    pcall(vim.api.nvim_win_set_cursor, state.win, cursor)
  end
  mirror_lenses(state)
  vim.api.nvim_buf_clear_namespace(state.buf, M.ns, 0, -1)
  for _, h in ipairs(hls) do
    vim.api.nvim_buf_set_extmark(state.buf, M.ns, h[1], h[2], {
      end_col = h[3],
      hl_group = h[4],
      -- The age background under the date's text colour.
      priority = h[4]:match('^GitInspectorAge') and 90 or 100,
    })
  end
  if vim.api.nvim_win_is_valid(state.win) then
    local cap = math.max(30, math.floor(vim.o.columns * 0.45))
    vim.api.nvim_win_set_width(state.win, math.max(12, math.min(width_of(lines) + 1, cap)))
  end
end

--- The version shown: the top of the stack, or the working tree (nil).
local function top(state)
  return state.stack[#state.stack]
end

--- Binds the blame window and the file's window at `line` (0-based): same top line, cursor
--- and scrolling bound.
local function bind(state, line)
  for _, w in ipairs({ state.win, state.src_win }) do
    if vim.api.nvim_win_is_valid(w) then
      vim.wo[w].scrollbind = false
      vim.wo[w].cursorbind = false
      local buf = vim.api.nvim_win_get_buf(w)
      local last = vim.api.nvim_buf_line_count(buf)
      vim.api.nvim_win_set_cursor(w, { math.max(1, math.min(line + 1, last)), 0 })
    end
  end
  if not (vim.api.nvim_win_is_valid(state.win) and vim.api.nvim_win_is_valid(state.src_win)) then
    return
  end
  require('gitinspector.lens').show_top(state.src_win)
  local view = vim.api.nvim_win_call(state.src_win, vim.fn.winsaveview)
  vim.api.nvim_win_call(state.win, function()
    vim.fn.winrestview({ topline = view.topline, topfill = view.topfill or 0 })
  end)
  for _, w in ipairs({ state.win, state.src_win }) do
    vim.wo[w].scrollbind = true
    vim.wo[w].cursorbind = true
  end
  vim.api.nvim_win_call(state.win, function()
    vim.cmd('syncbind')
  end)
end

--- The statusline of the blame window: its name, or the version shown.
local function statusline(state)
  local t = top(state)
  if t then
    return ' blame @ ' .. t.revision:sub(1, 8) .. '%=R: working tree  g?: keys '
  end
  return ' %<%f%=g?: keys '
end

--- Scroll-binding keeps the top lines of both windows together, not the rows above line 1
--- (topfill) where the file's window shows its lens: the blame window follows them.
local function sync_topfill(state)
  if not (vim.api.nvim_win_is_valid(state.win) and vim.api.nvim_win_is_valid(state.src_win)) then
    return
  end
  local src = vim.api.nvim_win_call(state.src_win, vim.fn.winsaveview)
  local mine = vim.api.nvim_win_call(state.win, vim.fn.winsaveview)
  if src.topline == mine.topline and (src.topfill or 0) ~= (mine.topfill or 0) then
    vim.api.nvim_win_call(state.win, function()
      vim.fn.winrestview({ topfill = src.topfill or 0 })
    end)
  end
end

--- Shows the version at the top of the stack (or the working tree) in the file's window and
--- its blame in the blame window; the cursor on `line` (0-based).
local function show(state, line)
  local t = top(state)
  local buf = t and t.buf or state.src
  if vim.api.nvim_win_is_valid(state.src_win) then
    vim.wo[state.src_win].scrollbind = false
    vim.wo[state.src_win].cursorbind = false
    vim.api.nvim_win_set_buf(state.src_win, buf)
    vim.wo[state.src_win].wrap = false
  end
  if t then
    fill(state, t.data, vim.api.nvim_buf_line_count(t.buf))
    vim.wo[state.win].statusline = statusline(state)
    bind(state, line)
    return
  end
  cache.get(state.src, function(entry, err)
    if not states[state.buf] then
      return
    end
    if not entry then
      util.notify('no blame: ' .. (err and err.message or 'unknown error'), vim.log.levels.WARN)
      return
    end
    fill(state, entry.data, vim.api.nvim_buf_line_count(state.src))
    vim.wo[state.win].statusline = statusline(state)
    bind(state, line)
  end)
end

--- The 0-based cursor line of the blame window.
local function cursor_line(state)
  if vim.api.nvim_win_is_valid(state.win) then
    return vim.api.nvim_win_get_cursor(state.win)[1] - 1
  end
  return vim.api.nvim_win_get_cursor(state.src_win)[1] - 1
end

--- The commit of the blame window's line `line` (0-based; default the cursor line).
function M.commit_at(state, line)
  return commit_at(state.hunks or {}, line or cursor_line(state))
end

--- A buffer of an older version of the file: read-only, named gitinspector://<rev>/<path>.
local function version_buffer(answer)
  local name = string.format('gitinspector://%s/%s', answer.revision:sub(1, 8), answer.path)
  local buf = util.scratch_buffer(name, 'hide')
  vim.bo[buf].modifiable = true
  local lines = util.text_lines(answer.text)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  vim.bo[buf].readonly = true
  vim.bo[buf].modified = false
  local ft = vim.filetype.match({ filename = answer.path, contents = lines })
  if ft and vim.bo[buf].filetype ~= ft then
    vim.bo[buf].filetype = ft
  end
  vim.b[buf].gitinspector_version = {
    uri = answer.uri,
    revision = answer.revision,
    path = answer.path,
  }
  return buf
end

--- The sha of blamePrior's `commit` (a sha, or a commit object).
local function sha_of(commit)
  if type(commit) == 'table' then
    return commit.sha
  end
  return commit
end

--- `r`: the blame at the parent of the commit that last changed the cursor line (of the
--- version shown), with that older version in the file's window. cb(err) when done.
function M.step_back(state, cb)
  cb = cb or function() end
  local line = cursor_line(state)
  local commit = M.commit_at(state, line)
  if commit and commit.sha == util.NOT_COMMITTED then
    local msg = 'this line is not committed yet: no older version of it'
    util.notify(msg, vim.log.levels.WARN)
    cb({ message = msg })
    return
  end
  local t = top(state)
  local args = { state.uri, line }
  if t then
    args[3] = { revision = t.revision, path = t.path }
  end
  client.execute(state.src, 'gitinspector.blamePrior', args, function(err, answer)
    if err or type(answer) ~= 'table' or not answer.revision then
      local msg = 'older blame: ' .. (err and err.message or 'no older version')
      util.notify(msg, vim.log.levels.WARN)
      cb(err or { message = msg })
      return
    end
    if not states[state.buf] then
      return cb({ message = 'the blame window was closed' })
    end
    answer.uri = state.uri
    local buf = version_buffer(answer)
    table.insert(state.stack, {
      revision = answer.revision,
      commit = sha_of(answer.commit),
      path = answer.path,
      buf = buf,
      data = { runs = answer.runs, commits = answer.commits, currentUser = state.user },
      from_line = line,
    })
    show(state, type(answer.line) == 'number' and answer.line or line)
    if vim.api.nvim_win_is_valid(state.win) then
      vim.api.nvim_set_current_win(state.win)
    end
    cb(nil, answer)
  end)
end

--- Wipes an older version's buffer unless another window shows it.
local function drop(version)
  if
    version
    and vim.api.nvim_buf_is_valid(version.buf)
    and #vim.fn.win_findbuf(version.buf) == 0
  then
    pcall(vim.api.nvim_buf_delete, version.buf, { force = true })
  end
end

--- `<BS>`: one version forward (toward the working tree).
function M.step_forward(state)
  local t = table.remove(state.stack)
  if not t then
    return
  end
  show(state, t.from_line or 0)
  drop(t)
end

--- `R`: back to the working tree.
function M.to_working_tree(state)
  if #state.stack == 0 then
    return
  end
  local first = state.stack[1]
  local versions = state.stack
  state.stack = {}
  show(state, first.from_line or 0)
  for _, v in ipairs(versions) do
    drop(v)
  end
end

--- `<CR>` / `s`: the commit of the cursor line in a float at the cursor.
function M.show_commit(state)
  local commit = M.commit_at(state)
  if not commit then
    return
  end
  local t = top(state)
  require('gitinspector.views.commit').float(state.src, commit.sha, {
    uri = state.uri,
    file = t and t.path or nil,
  })
end

--- Closes the blame window; the file's window gets the working tree back (unless
--- `left`: the user showed another file there).
function M.close(state, left)
  if not state or not states[state.buf] then
    return
  end
  states[state.buf] = nil
  pcall(vim.api.nvim_del_augroup_by_name, 'gitinspector_blame_window_' .. state.buf)
  local versions = state.stack
  state.stack = {}
  if vim.api.nvim_win_is_valid(state.src_win) then
    vim.wo[state.src_win].scrollbind = false
    vim.wo[state.src_win].cursorbind = false
    if #versions > 0 and not left and vim.api.nvim_buf_is_valid(state.src) then
      vim.api.nvim_win_set_buf(state.src_win, state.src)
    end
    vim.wo[state.src_win].wrap = state.src_wrap
  end
  if vim.api.nvim_win_is_valid(state.win) then
    pcall(vim.api.nvim_win_close, state.win, true)
  end
  for _, v in ipairs(versions) do
    drop(v)
  end
  if vim.api.nvim_win_is_valid(state.src_win) and not left then
    vim.api.nvim_set_current_win(state.src_win)
  end
end

--- The blame of the working tree again, in every blame window showing it (after a commit,
--- checkout or reset: init.lua's refresh hook).
function M.refresh()
  for _, state in pairs(states) do
    if #state.stack == 0 then
      cache.get(state.src, function(e)
        if e and states[state.buf] and #state.stack == 0 and e.data ~= state.data then
          fill(state, e.data, vim.api.nvim_buf_line_count(state.src))
        end
      end)
    end
  end
end

--- Opens (or, from its own windows, closes) the blame window of the current buffer.
function M.toggle()
  local s = M.of_window() or M.of_buffer(vim.api.nvim_get_current_buf())
  if s then
    M.close(s)
    return
  end
  local src = vim.api.nvim_get_current_buf()
  if not client.get(src) then
    util.notify('not attached to this buffer (is it inside a git repository?)', vim.log.levels.WARN)
    return
  end
  M.open(src)
end

--- A name for the blame buffer no other buffer has.
local function blame_name(path)
  local name = 'gitinspector://blame/' .. path
  local n = 1
  while util.buffer_named(name) do
    n = n + 1
    name = string.format('gitinspector://blame/%s (%d)', path, n)
  end
  return name
end

local function set_keys(state)
  local function map(lhs, fn, desc)
    vim.keymap.set('n', lhs, function()
      if states[state.buf] then
        fn(state)
      end
    end, { buffer = state.buf, nowait = true, desc = 'gitinspector: ' .. desc })
  end
  map('<CR>', M.show_commit, 'the commit of this line')
  map('s', M.show_commit, 'the commit of this line')
  map('r', M.step_back, 'blame at the parent of this commit')
  map('<BS>', M.step_forward, 'one step forward')
  map('R', M.to_working_tree, 'back to the working tree')
  map('q', M.close, 'close the blame window')
  map('g?', function()
    local lines = { 'gitinspector blame window:' }
    for _, k in ipairs(M.keys) do
      lines[#lines + 1] = string.format('  %-5s %s', k[1], k[2])
    end
    util.notify(table.concat(lines, '\n'))
  end, 'keys')
end

--- Opens the blame window of `src` (a working-tree buffer) left of the current window and
--- moves the cursor into it. opts: {prior = true} steps back once at the cursor line
--- (`:GitInspector blame_prior`: a step that fails closes the window again); {on_open =
--- fn(state, err)} is called when it is shown (err: the step back failed).
function M.open(src, opts)
  opts = opts or {}
  src = src or vim.api.nvim_get_current_buf()
  local src_win = vim.api.nvim_get_current_win()
  local line = vim.api.nvim_win_get_cursor(src_win)[1] - 1
  cache.get(src, function(entry, err)
    if not entry then
      util.notify('no blame: ' .. (err and err.message or 'unknown error'), vim.log.levels.WARN)
      return
    end
    if not vim.api.nvim_win_is_valid(src_win) or M.get(src) then
      return
    end
    vim.api.nvim_set_current_win(src_win)
    local buf = util.scratch_buffer(blame_name(entry.data.path or vim.fn.expand('%:t')), 'wipe')
    vim.bo[buf].filetype = 'gitinspector-blame'
    vim.cmd('leftabove vsplit')
    local win = vim.api.nvim_get_current_win()
    vim.api.nvim_win_set_buf(win, buf)
    for opt, val in pairs({
      number = false,
      relativenumber = false,
      signcolumn = 'no',
      foldcolumn = '0',
      foldenable = false,
      wrap = false,
      list = false,
      spell = false,
      winfixwidth = true,
      cursorline = true,
    }) do
      vim.wo[win][opt] = val
    end
    ---@type gitinspector.BlameState
    local state = {
      buf = buf,
      win = win,
      src = src,
      src_win = src_win,
      uri = client.uri(src),
      path = entry.data.path,
      user = entry.data.currentUser,
      stack = {},
      hunks = {},
      data = entry.data,
      -- A wrapped line would take more rows in the file's window than its blame in this one:
      -- no wrapping there while the blame window is open (as :Gitsigns blame), restored after.
      src_wrap = vim.wo[src_win].wrap,
    }
    vim.wo[src_win].wrap = false
    states[buf] = state
    fill(state, entry.data, vim.api.nvim_buf_line_count(src))
    vim.wo[win].statusline = statusline(state)
    bind(state, line)
    set_keys(state)
    local group = vim.api.nvim_create_augroup('gitinspector_blame_window_' .. buf, { clear = true })
    -- The working tree's blame follows edits (while it is the version shown).
    vim.api.nvim_create_autocmd({ 'TextChanged', 'InsertLeave', 'BufWritePost' }, {
      group = group,
      buffer = src,
      callback = function()
        if not states[buf] or #state.stack > 0 then
          return
        end
        cache.get(src, function(e)
          if e and states[buf] and #state.stack == 0 and e.data ~= state.data then
            fill(state, e.data, vim.api.nvim_buf_line_count(src))
          end
        end)
      end,
    })
    vim.api.nvim_create_autocmd('WinScrolled', {
      group = group,
      callback = function()
        if states[buf] then
          -- After the lens module has shown (or not) the row above line 1.
          vim.schedule(function()
            sync_topfill(state)
          end)
        end
      end,
    })
    vim.api.nvim_create_autocmd('WinClosed', {
      group = group,
      pattern = tostring(win),
      callback = function()
        vim.schedule(function()
          M.close(state)
        end)
      end,
    })
    -- The file's window closed, or showing another file: the blame window goes.
    vim.api.nvim_create_autocmd('WinClosed', {
      group = group,
      pattern = tostring(src_win),
      callback = function()
        vim.schedule(function()
          M.close(state, true)
        end)
      end,
    })
    vim.api.nvim_create_autocmd('BufWinEnter', {
      group = group,
      callback = function(ev)
        if vim.api.nvim_get_current_win() ~= state.src_win or ev.buf == state.src then
          return
        end
        for _, v in ipairs(state.stack) do
          if v.buf == ev.buf then
            return
          end
        end
        vim.schedule(function()
          M.close(state, true)
        end)
      end,
    })
    vim.api.nvim_create_autocmd({ 'BufUnload', 'BufWipeout' }, {
      group = group,
      buffer = src,
      callback = function()
        vim.schedule(function()
          M.close(state)
        end)
      end,
    })
    -- The cursor goes into the blame window.
    vim.api.nvim_set_current_win(win)
    if opts.prior then
      M.step_back(state, function(step_err)
        if step_err then
          -- The window was opened for that step alone (its message is shown): close it.
          M.close(state)
          if vim.api.nvim_win_is_valid(src_win) then
            vim.api.nvim_set_current_win(src_win)
          end
        end
        if opts.on_open then
          opts.on_open(state, step_err)
        end
      end)
    elseif opts.on_open then
      opts.on_open(state)
    end
  end)
end

--- `:GitInspector blame_prior`: the blame at the parent of the commit of the cursor line,
--- the older version beside it. From a file: opens the blame window with it; from the blame
--- window or an older version: one more step back.
function M.prior(cb)
  local s = M.of_window() or M.of_buffer(vim.api.nvim_get_current_buf())
  if s then
    if vim.api.nvim_get_current_win() == s.src_win and vim.api.nvim_win_is_valid(s.win) then
      -- The line of the file's window; the windows are cursor-bound, but be exact.
      local line = vim.api.nvim_win_get_cursor(s.src_win)[1]
      vim.api.nvim_win_set_cursor(s.win, { line, 0 })
    end
    M.step_back(s, cb)
    return
  end
  local src = vim.api.nvim_get_current_buf()
  if not client.get(src) then
    util.notify('not attached to this buffer (is it inside a git repository?)', vim.log.levels.WARN)
    return
  end
  M.open(src, {
    prior = true,
    on_open = function(state, err)
      if cb then
        cb(err, state)
      end
    end,
  })
end

return M
