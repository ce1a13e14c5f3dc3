-- `:GitInspector authors [file]`: a floating, sortable table of authors, each in the colour
-- of their rank: their index in the result's authors list, sorted by lines (colors.lua).
local client = require('gitinspector.client')
local colors = require('gitinspector.colors')
local config = require('gitinspector.config')
local util = require('gitinspector.util')

local M = {}

M.ns = vim.api.nvim_create_namespace('gitinspector_authors')

local function num(v, decimals)
  if type(v) ~= 'number' then
    return ''
  end
  if decimals then
    return string.format('%.' .. decimals .. 'f', v)
  end
  return tostring(math.floor(v + 0.5))
end

--- A share with one decimal; one that rounds to 0.0 or 100.0 without being so reads <0.1 or >99.9.
function M.share(v)
  if type(v) ~= 'number' then
    return ''
  end
  local shown = string.format('%.1f', v)
  if v > 0 and shown == '0.0' then
    return '<0.1'
  end
  if v < 100 and shown == '100.0' then
    return '>99.9'
  end
  return shown
end

--- Column sets: key, title, value(row) -> string, sort value(row), right-aligned.
M.columns = {
  repository = {
    { key = 'name', title = 'Author' },
    { key = 'email', title = 'Email' },
    { key = 'commits', title = 'Commits', right = true },
    { key = 'insertions', title = 'Insertions', right = true },
    { key = 'deletions', title = 'Deletions', right = true },
    { key = 'lines', title = 'Lines', right = true },
    { key = 'linesPct', title = 'Lines %', right = true, share = true },
    { key = 'stability', title = 'Stability', right = true, decimals = 0 },
    { key = 'age', title = 'Age (days)', right = true, decimals = 0 },
  },
  file = {
    { key = 'name', title = 'Author' },
    { key = 'email', title = 'Email' },
    { key = 'lines', title = 'Lines', right = true },
    { key = 'percent', title = '%', right = true, share = true },
    { key = 'last_time', title = 'Last change' },
    { key = 'last_summary', title = 'Summary' },
  },
}

--- Rows of the table from a repository of an analysis result (camelCase, as LSP). `rank`:
--- the row's index in the result's authors list (most lines first), for its colour.
function M.repository_rows(repo)
  local rows = {}
  for i, a in ipairs(repo.authors or {}) do
    rows[#rows + 1] = vim.tbl_extend('force', {}, a, { rank = i - 1 })
  end
  return rows
end

function M.file_rows(result)
  local rows = {}
  for i, a in ipairs(result.authors or {}) do
    local last = a.lastChange or {}
    rows[#rows + 1] = {
      name = a.name,
      email = a.email,
      lines = a.lines,
      percent = a.percent,
      last_time = last.authorTime,
      last_date = last.date,
      last_summary = last.summary or '',
      rank = i - 1,
    }
  end
  return rows
end

local function cell(col, row, state)
  local v = row[col.key]
  if col.key == 'last_time' then
    -- The daemon's date (its dateFormat); an older daemon sends none: formatted the same way.
    if type(row.last_date) == 'string' and row.last_date ~= '' then
      return row.last_date
    end
    return v and util.date(v, state.date_format) or ''
  end
  if type(v) == 'number' then
    return col.share and M.share(v) or num(v, col.decimals)
  end
  return tostring(v or '')
end

local function sort_rows(rows, col, descending)
  table.sort(rows, function(a, b)
    local x, y = a[col.key], b[col.key]
    if type(x) == 'string' or type(y) == 'string' then
      x, y = tostring(x or ''):lower(), tostring(y or ''):lower()
    else
      x, y = x or 0, y or 0
    end
    if x == y then
      return tostring(a.name or '') < tostring(b.name or '')
    end
    if descending then
      return x > y
    end
    return x < y
  end)
end

--- The columns that are cut when the table is wider than the screen.
local SHRINKS = { name = true, email = true, last_summary = true }

--- Table lines: a title line, a header, a rule, one line per row, a footer; and the widths
--- of the columns.
function M.lines(state)
  local cols = M.columns[state.kind]
  local col = cols[state.sort]
  sort_rows(state.rows, col, state.descending)
  local widths = {}
  for i, c in ipairs(cols) do
    widths[i] = util.width(c.title)
    for _, r in ipairs(state.rows) do
      widths[i] = math.max(widths[i], util.width(cell(c, r, state)))
    end
    widths[i] = math.min(widths[i], c.key == 'last_summary' and 40 or 32)
  end
  local function line(values)
    local parts = {}
    for i, c in ipairs(cols) do
      parts[i] = util.pad(values[i], widths[i], c.right)
    end
    return (table.concat(parts, '  '):gsub('%s+$', ''))
  end
  local header = {}
  for i, c in ipairs(cols) do
    header[i] = c.title .. (i == state.sort and (state.descending and ' ▼' or ' ▲') or '')
    widths[i] = math.max(widths[i], util.width(header[i]))
  end
  -- Wider than the screen: the text columns (names, emails, summaries) give way, cut with an
  -- ellipsis, the widest first, down to their title's width, so that the last columns are not
  -- cut off; when even that is not enough, nothing is cut.
  local total, least = -2, -2
  local mins = {}
  for i, c in ipairs(cols) do
    mins[i] = SHRINKS[c.key] and math.min(widths[i], math.max(util.width(header[i]), 12))
      or widths[i]
    total = total + widths[i] + 2
    least = least + mins[i] + 2
  end
  local available = vim.o.columns - 5 -- the float's width (util.float_config), less one
  while total > available and least <= available do
    local widest
    for i in ipairs(cols) do
      if widths[i] > mins[i] and (not widest or widths[i] > widths[widest]) then
        widest = i
      end
    end
    widths[widest] = widths[widest] - 1
    total = total - 1
  end
  local out = { state.title, '', line(header) }
  out[#out + 1] = string.rep('─', total)
  for _, r in ipairs(state.rows) do
    local values = {}
    for i, c in ipairs(cols) do
      values[i] = cell(c, r, state)
    end
    out[#out + 1] = line(values)
  end
  out[#out + 1] = ''
  out[#out + 1] = 's: sort by next column  S: previous  r: reverse  q: close'
  return out, widths
end

--- The first line of the rows in M.lines (0-based).
local FIRST_ROW = 4

local function redraw(state)
  local lines, widths = M.lines(state)
  util.set_lines(state.buf, lines)
  vim.api.nvim_buf_clear_namespace(state.buf, M.ns, 0, -1)
  local hl = config.options.highlights
  vim.api.nvim_buf_set_extmark(
    state.buf,
    M.ns,
    0,
    0,
    { end_col = #lines[1], hl_group = hl.float_title }
  )
  vim.api.nvim_buf_set_extmark(state.buf, M.ns, 2, 0, { end_col = #lines[3], hl_group = 'Bold' })
  vim.api.nvim_buf_set_extmark(state.buf, M.ns, #lines - 1, 0, {
    end_col = #lines[#lines],
    hl_group = 'Comment',
  })
  -- Each author's name in the colour of their rank, wherever sorting puts the row.
  local name_col = M.columns[state.kind][1]
  for i, r in ipairs(state.rows) do
    local name = util.pad(cell(name_col, r, state), widths[1]):gsub('%s+$', '')
    if #name > 0 then
      vim.api.nvim_buf_set_extmark(state.buf, M.ns, FIRST_ROW + i - 1, 0, {
        end_col = #name,
        hl_group = colors.group(r.rank),
      })
    end
  end
  -- The float fits the table: every row shows (up to the screen's height).
  util.fit_float(state.win, lines)
end

--- Opens the float; `kind` is 'repository' or 'file'. opts: {date_format} (of the Last change
--- column). Returns the state.
function M.show(kind, title, rows, opts)
  local cols = M.columns[kind]
  local sort = 1
  for i, c in ipairs(cols) do
    if c.key == 'lines' then
      sort = i
    end
  end
  local state = {
    kind = kind,
    title = title,
    rows = rows,
    sort = sort,
    descending = true,
    date_format = (opts or {}).date_format,
  }
  state.buf, state.win =
    util.open_float((M.lines(state)), { title = 'gitinspector', filetype = 'gitinspector-authors' })
  vim.b[state.buf].gitinspector_kind = kind
  redraw(state)
  local function map(lhs, fn, desc)
    vim.keymap.set('n', lhs, function()
      fn()
      redraw(state)
    end, { buffer = state.buf, nowait = true, desc = desc })
  end
  map('s', function()
    state.sort = state.sort % #cols + 1
    state.descending = cols[state.sort].right == true
  end, 'Sort by the next column')
  map('S', function()
    state.sort = (state.sort - 2) % #cols + 1
    state.descending = cols[state.sort].right == true
  end, 'Sort by the previous column')
  map('r', function()
    state.descending = not state.descending
  end, 'Reverse the order')
  return state
end

--- The 0-based first and last line of a fileAuthors answer's `range` ({startLine, endLine}
--- or an LSP range), else of its arguments ([uri, startLine, endLine]); nil for a whole file.
local function block_of(result, arguments)
  local r = type(result.range) == 'table' and result.range or nil
  if r then
    if type(r.startLine) == 'number' then
      return r.startLine, r.endLine
    elseif type(r.start) == 'table' and type(r['end']) == 'table' then
      return r.start.line, r['end'].line
    end
  end
  arguments = arguments or {}
  if type(arguments[2]) == 'number' then
    return arguments[2], arguments[3] or arguments[2]
  elseif type(arguments[2]) == 'table' and type(arguments[2].startLine) == 'number' then
    return arguments[2].startLine, arguments[2].endLine
  end
end

--- Shows a gitinspector.fileAuthors result (of the file, or of a block of it) of a buffer's
--- daemon (dates as the user's date_format, else as its announced default). `arguments`: those
--- of the command, which name the block.
function M.show_file(result, bufnr, arguments)
  local path = result.path or '?'
  local first, last = block_of(result, arguments)
  if first then
    path = string.format('%s, lines %d-%d', path, first + 1, (last or first) + 1)
  end
  local title = string.format('Authors of %s (%d lines)', path, result.lines or 0)
  local date_format = config.daemon_setting('dateFormat', client.defaults(bufnr))
  return M.show('file', title, M.file_rows(result), { date_format = date_format })
end

--- Runs gitinspector.fileAuthors with `arguments` ([uri] or [uri, startLine, endLine]) and
--- shows its authors.
local function file_authors(bufnr, arguments)
  client.execute(bufnr, 'gitinspector.fileAuthors', arguments, function(err, result)
    if err or not result then
      util.notify('file authors: ' .. (err and err.message or 'no result'), vim.log.levels.ERROR)
      return
    end
    M.show_file(result, bufnr, arguments)
  end)
end

--- Runs a lens command (gitinspector.fileAuthors with [uri, block?]) and shows its authors.
function M.run_lens(command, ctx)
  file_authors(ctx.bufnr, command.arguments)
end

--- `:GitInspector authors` (scope 'repository') or `:GitInspector authors file`.
function M.open(scope, bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  local uri = client.uri(bufnr)
  if scope == 'file' then
    file_authors(bufnr, { uri })
  else
    util.notify('analyzing the repository…')
    client.execute(bufnr, 'gitinspector.repositoryAuthors', { uri }, function(err, result)
      if err or not result then
        util.notify(
          'repository authors: ' .. (err and err.message or 'no result'),
          vim.log.levels.ERROR
        )
        return
      end
      M.show_analysis(result)
    end)
  end
end

--- Shows an analysis command's result (the first repository; others are notified).
function M.show_analysis(result)
  local repos = result.repositories or {}
  if #repos == 0 then
    util.notify('the analysis found no repository', vim.log.levels.WARN)
    return
  end
  local repo = repos[1]
  local totals = repo.totals or {}
  local title = string.format(
    'Authors of %s @ %s · %d files · %d lines',
    repo.name or repo.path or '?',
    (repo.revision or ''):sub(1, 8),
    totals.files or 0,
    totals.lines or 0
  )
  local state = M.show('repository', title, M.repository_rows(repo))
  if #repos > 1 then
    local names = {}
    for i = 2, #repos do
      names[#names + 1] = repos[i].name
    end
    util.notify('also analyzed: ' .. table.concat(names, ', ') .. ' (see :GitInspector report)')
  end
  return state
end

return M
