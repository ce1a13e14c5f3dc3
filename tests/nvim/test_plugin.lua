-- End-to-end tests of gitinspector.nvim in a real, headless Neovim with the real daemon.
-- Run (from the checkout root; scripts/test-nvim.sh sets the environment):
--   nvim --headless -u NONE -i NONE -n --cmd 'set rtp^=editors/nvim' -l tests/nvim/test_plugin.lua
-- Expected authors and line counts come from plain `git blame --porcelain`, never pasted.
local passed, failed = 0, 0
local out = io.stdout

local function log(s)
  out:write(s .. '\n')
  out:flush()
end

local function test(name, fn)
  local ok, err = xpcall(fn, debug.traceback)
  -- A failed test leaves no float behind for the next ones.
  for _, w in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(w).relative ~= '' then
      pcall(vim.api.nvim_win_close, w, true)
    end
  end
  if ok then
    passed = passed + 1
    log('ok - ' .. name)
  else
    failed = failed + 1
    log('not ok - ' .. name .. '\n    ' .. tostring(err):gsub('\n', '\n    '))
  end
end

local function wait_for(what, fn, timeout)
  local value
  local ok = vim.wait(timeout or 20000, function()
    value = fn()
    return value ~= nil and value ~= false
  end, 20)
  if not ok then
    error('timed out waiting for ' .. what, 2)
  end
  return value
end

local function eq(expected, actual, what)
  if not vim.deep_equal(expected, actual) then
    error(
      string.format(
        '%s: expected %s, got %s',
        what or 'value',
        vim.inspect(expected),
        vim.inspect(actual)
      ),
      2
    )
  end
end

local function contains(haystack, needle, what)
  if not haystack:find(needle, 1, true) then
    error(string.format('%s: %q does not contain %q', what or 'text', haystack, needle), 2)
  end
end

-- Messages, so that tests can see notifications.
local notes = {}
local orig_notify = vim.notify
vim.notify = function(msg, level, opts)
  notes[#notes + 1] = msg
  return orig_notify(msg, level, opts)
end

----------------------------------------------------------------------------------------------
-- The test repository: three authors with fixed names, emails and dates.
local repo = vim.fn.tempname() .. '-gi-repo'
vim.fn.mkdir(repo, 'p')
repo = vim.uv.fs_realpath(repo)

local AUTHORS = {
  alice = { 'Alice Anders', 'alice@example.com' },
  bob = { 'Bob Brown', 'bob@example.com' },
  carol = { 'Carol Chen', 'carol@example.com' },
}

local function git_in(dir, args, who, date)
  local env = { GIT_CONFIG_NOSYSTEM = '1' }
  if who then
    env.GIT_AUTHOR_NAME, env.GIT_AUTHOR_EMAIL = who[1], who[2]
    env.GIT_COMMITTER_NAME, env.GIT_COMMITTER_EMAIL = who[1], who[2]
    env.GIT_AUTHOR_DATE, env.GIT_COMMITTER_DATE = date, date
  end
  local cmd = { 'git', '-C', dir }
  vim.list_extend(cmd, args)
  local r = vim.system(cmd, { env = env, text = true }):wait(30000)
  if r.code ~= 0 then
    error('git ' .. table.concat(args, ' ') .. ' failed: ' .. (r.stderr or ''))
  end
  return r.stdout
end

local function git(args, who, date)
  return git_in(repo, args, who, date)
end

--- The lines of a git output (no empty last line).
local function git_lines(dir, args)
  local lines = vim.split(git_in(dir, args), '\n', { plain = true })
  if lines[#lines] == '' then
    lines[#lines] = nil
  end
  return lines
end

local function write(rel, lines)
  vim.fn.writefile(lines, repo .. '/' .. rel)
end

git({ 'init', '-q', '-b', 'main' })
git({ 'config', 'user.name', AUTHORS.alice[1] })
git({ 'config', 'user.email', AUTHORS.alice[2] })
git({ 'config', 'commit.gpgsign', 'false' })
write('a.py', {
  'import os',
  '',
  '',
  'def parse(text):',
  '    return text.split()',
  '',
  '',
  'def render(items):',
  '    return ", ".join(items)',
})
git({ 'add', 'a.py' })
git({ 'commit', '-q', '-m', 'Add parser and renderer' }, AUTHORS.alice, '2023-01-10T10:00:00Z')
write('a.py', {
  'import os',
  '',
  '',
  'def parse(text):',
  '    return text.split()',
  '',
  '',
  'def render(items):',
  '    joined = " | ".join(items)',
  '    return joined.strip()',
  '',
  '',
  'def count(items):',
  '    return len(items)',
})
git(
  { 'commit', '-q', '-am', 'Render with bars and count items\n\nLonger explanation of the change.' },
  AUTHORS.bob,
  '2023-06-01T12:00:00Z'
)
write('a.py', {
  'import os  # paths',
  '',
  '',
  'def parse(text):',
  '    return text.split()',
  '',
  '',
  'def render(items):',
  '    joined = " | ".join(items)',
  '    return joined.strip()',
  '',
  '',
  'def count(items):',
  '    return len(items)',
})
write('b.py', { 'def helper():', '    return 42', '', 'VALUE = helper()' })
git({ 'add', '.' })
git({ 'commit', '-q', '-m', 'Add helper module' }, AUTHORS.carol, '2024-02-01T09:30:00Z')

--- Per-line {sha, author, email, summary} of a file from `git blame --porcelain`.
local function porcelain(rel)
  local text = git({ 'blame', '--porcelain', 'HEAD', '--', rel })
  local info, lines, current = {}, {}, nil
  for _, l in ipairs(vim.split(text, '\n', { plain = true })) do
    local sha = l:match(
      '^(%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x%x) '
    )
    if sha then
      current = sha
      info[sha] = info[sha] or { sha = sha }
    elseif l:sub(1, 1) == '\t' then
      lines[#lines + 1] = info[current]
    elseif current then
      local key, value = l:match('^(%S+) (.*)$')
      if key == 'author' or key == 'author-mail' or key == 'summary' then
        info[current][key] = value
      elseif key == 'author-time' then
        info[current].time = tonumber(value)
      end
    end
  end
  return lines
end

local blame_a = porcelain('a.py')
local blame_b = porcelain('b.py')
local function counts(...)
  local c = {}
  for _, lines in ipairs({ ... }) do
    for _, l in ipairs(lines) do
      c[l.author] = (c[l.author] or 0) + 1
    end
  end
  return c
end
local file_counts = counts(blame_a)
local repo_counts = counts(blame_a, blame_b)
--- An author's share of `counts` as the tables show it (the result's linesPct).
local function share(counts_, name)
  local total = 0
  for _, n in pairs(counts_) do
    total = total + n
  end
  return string.format('%.1f', 100 * counts_[name] / total)
end
--- Names of `counts_` by their number of lines, most first: the authors of rank 0, 1, ….
local function ranked(counts_)
  local names = vim.tbl_keys(counts_)
  table.sort(names, function(a, b)
    return counts_[a] > counts_[b]
  end)
  for i = 2, #names do
    assert(counts_[names[i]] ~= counts_[names[i - 1]], 'the test repository has no ties')
  end
  return names
end
--- 0-based line of a.py last changed by `name`.
local function line_of(name)
  for i, l in ipairs(blame_a) do
    if l.author == name and l.summary then
      return i - 1
    end
  end
  error('no line by ' .. name)
end

----------------------------------------------------------------------------------------------
local gi = require('gitinspector')
local config = require('gitinspector.config')
local client = require('gitinspector.client')
local cache = require('gitinspector.cache')
local blame = require('gitinspector.blame')

local progress = {}
vim.api.nvim_create_autocmd('LspProgress', {
  callback = function(ev)
    progress[#progress + 1] = vim.deepcopy(ev.data.params)
  end,
})

local binary = os.getenv('GITINSPECTOR_LSP_BIN')
local buf

--- A JSON file of the shared test vectors (tests/fixtures/vectors), which the daemon and the
--- VS Code extension pass too.
local function vectors(name)
  return vim.json.decode(table.concat(vim.fn.readfile('tests/fixtures/vectors/' .. name), '\n'))
end

test('relative dates and blame texts are the shared vectors (format.json)', function()
  local util = require('gitinspector.util')
  local v = vectors('format.json')
  assert(#v.relative > 0 and #v.template > 0, 'no vectors')
  for _, c in ipairs(v.relative) do
    eq(c.expected, util.relative_date(c.time, v.now), 'relative_date(' .. c.time .. ')')
    eq(c.expected, util.date(c.time, 'relative', v.now), 'date(' .. c.time .. ", 'relative')")
  end
  for _, c in ipairs(v.template) do
    local text =
      util.blame_text(c.template, c.commit, nil, { date_format = c.dateFormat, now = v.now })
    eq(c.expected, text, vim.inspect(c))
  end
end)

test('author shares in the authors tables are the shared vectors (format.json)', function()
  local authors = require('gitinspector.views.authors')
  local v = vectors('format.json')
  assert(#v.share > 0, 'no vectors')
  for _, c in ipairs(v.share) do
    eq(c.expected, authors.share(c.percent), 'share(' .. c.percent .. ')')
  end
end)

test('blame deltas patch the held runs as the shared vectors say (deltas.json)', function()
  for _, c in ipairs(vectors('deltas.json').cases) do
    local held = { runs = vim.deepcopy(c.held), resultId = 'r:1', version = 1, lineCount = 0 }
    local delta = { resultId = 'r:2', version = 2, lineCount = 9, edits = c.edits }
    local blame = cache.apply(held, delta)
    eq(c.expected, blame.runs, 'runs of ' .. vim.inspect(c))
    eq(c.held, held.runs, 'the held runs are left as they were')
    eq({ 'r:2', 2, 9 }, { blame.resultId, blame.version, blame.lineCount }, 'delta fields')
  end
end)

test('the default binary is the checkout build when not on PATH', function()
  local root = vim.fn.getcwd()
  eq(vim.uv.fs_realpath(root), vim.uv.fs_realpath(config.checkout_root()), 'checkout root')
  config.set({})
  local path, how = config.binary()
  if vim.fn.executable('gitinspector-lsp') == 1 then
    eq('PATH', how, 'found on')
  else
    eq('checkout', how, 'found as')
    eq(
      vim.uv.fs_realpath(root .. '/target/release/gitinspector-lsp'),
      vim.uv.fs_realpath(path),
      'path'
    )
  end
end)

test('only the daemon settings given to setup reach the daemon', function()
  -- Nothing given: nothing sent (the daemon's defaults apply), as a JSON object.
  config.set({ binary = binary, delay = 10, keymaps = true, you = 'Me' })
  eq('{}', vim.json.encode(config.init_options()), 'no daemon settings')
  config.set({ date_format = 'absolute', code_lens = { blocks = false }, analysis = {} })
  local init = config.init_options()
  eq('absolute', init.dateFormat, 'dateFormat')
  eq({ blocks = false }, init.codeLens, 'codeLens')
  eq('{}', vim.json.encode(init.analysis), 'analysis')
  eq(nil, init.blameTemplate, 'blameTemplate')
  eq(nil, init.cacheBudgetMb, 'cacheBudgetMb')
  eq(nil, init.inlayHints, 'inlayHints')
  -- Lenses off: the daemon makes none.
  config.set({ code_lens = false, cache_budget_mb = 64 })
  eq(
    { codeLens = { file = false, blocks = false }, cacheBudgetMb = 64 },
    config.init_options(),
    'code_lens = false'
  )
  config.set({})
end)

test('setup attaches the daemon to a file of a git repository', function()
  gi.setup({ binary = binary, delay = 50 })
  vim.cmd.edit(vim.fn.fnameescape(repo .. '/a.py'))
  buf = vim.api.nvim_get_current_buf()
  local c = wait_for('the gitinspector client', function()
    return client.get(buf)
  end)
  eq(repo, c.config.root_dir, 'root_dir')
  -- binary and delay are the plugin's: the daemon is started with its own defaults.
  eq('{}', vim.json.encode(c.config.init_options), 'init_options')
  -- A file outside any repository gets no client.
  local outside = vim.fn.tempname() .. '.txt'
  vim.fn.writefile({ 'x' }, outside)
  vim.cmd.edit(vim.fn.fnameescape(outside))
  vim.wait(200)
  eq(nil, client.get(vim.api.nvim_get_current_buf()), 'client outside a repository')
  vim.cmd.buffer(buf)
end)

--- The end-of-line blame text on a 0-based line (of the current buffer, `buf` unless given),
--- once the cursor rests there.
local function blame_at(line, b)
  b = b or buf
  vim.api.nvim_win_set_cursor(0, { line + 1, 0 })
  vim.api.nvim_exec_autocmds('CursorMoved', { buffer = b })
  return wait_for('virtual text on line ' .. line, function()
    for _, m in ipairs(vim.api.nvim_buf_get_extmarks(b, blame.ns, 0, -1, { details = true })) do
      local d = m[4]
      if m[2] == line and d.virt_text and d.virt_text_pos == 'eol' then
        local text = ''
        for _, chunk in ipairs(d.virt_text) do
          text = text .. chunk[1]
        end
        return text
      end
    end
  end)
end

test('current-line blame names the real author of a line', function()
  local bob = line_of('Bob Brown')
  local text = blame_at(bob)
  contains(text, 'Bob Brown, ', 'blame text')
  contains(text, blame_a[bob + 1].summary, 'blame text')
  local carol = line_of('Carol Chen')
  contains(blame_at(carol), 'Carol Chen, ', 'blame text')
  -- Alice is the repository's user.email: her name, as lenses say (`you` is off by default)...
  local alice = line_of('Alice Anders')
  contains(blame_at(alice), 'Alice Anders, ', 'blame text of your own line')
  -- ...and the `you` option's word when set.
  local util = require('gitinspector.util')
  local mine = { sha = string.rep('a', 40), author = 'Alice Anders', email = 'alice@example.com' }
  local user = { name = 'Alice Anders', email = 'ALICE@example.com' }
  eq('You', util.author(mine, user, 'You'), 'you = "You"')
  eq('Alice Anders', util.author(mine, user, false), 'you = false')
end)

test('moving the cursor does not send a request per move', function()
  local before = cache.requests
  for line = 0, 5 do
    blame_at(line)
  end
  eq(before, cache.requests, 'gitinspector/blame requests while moving')
  local stats =
    client.request_sync(buf, 'gitinspector/getPerformanceStats', vim.empty_dict(), 10000)
  local calls = stats.methods['gitinspector/blame'].calls
  eq(cache.requests, calls, 'daemon-side gitinspector/blame calls')
end)

local function float_lines(filetype)
  return wait_for('a ' .. filetype .. ' float', function()
    for _, w in ipairs(vim.api.nvim_list_wins()) do
      local b = vim.api.nvim_win_get_buf(w)
      if vim.api.nvim_win_get_config(w).relative ~= '' and vim.bo[b].filetype == filetype then
        local lines = vim.api.nvim_buf_get_lines(b, 0, -1, false)
        if #lines > 1 then
          return { win = w, buf = b, lines = lines }
        end
      end
    end
  end)
end

--- The float is as tall as its lines (all of them visible, the screen being tall enough).
local function expect_fits(f)
  eq(#f.lines, vim.api.nvim_win_get_height(f.win), 'height of the float')
  local widest = 0
  for _, l in ipairs(f.lines) do
    widest = math.max(widest, vim.fn.strdisplaywidth(l))
  end
  -- As wide as its widest line, or as the screen allows.
  local width = vim.api.nvim_win_get_width(f.win)
  assert(
    width >= math.min(widest, vim.o.columns - 4),
    string.format('the float is %d wide, its widest line %d', width, widest)
  )
end

local function close_float(f)
  if vim.api.nvim_win_is_valid(f.win) then
    vim.api.nvim_win_close(f.win, true)
  end
end

test('code lenses name the authors with their shares', function()
  local lenses = wait_for('code lenses', function()
    local l = vim.lsp.codelens.get(buf)
    return #l > 0 and l or nil
  end)
  local file_lens
  for _, l in ipairs(lenses) do
    if l.range.start.line == 0 and l.command then
      file_lens = l.command.title
    end
  end
  assert(file_lens, 'no lens at line 0: ' .. vim.inspect(lenses))
  local total = #blame_a
  local n = vim.tbl_count(file_counts)
  contains(file_lens, string.format('%d authors', n), 'file lens')
  for name, lines in pairs(file_counts) do
    contains(
      file_lens,
      string.format('%s %d%%', name, math.floor((lines * 100 + total / 2) / total)),
      'file lens'
    )
  end
  -- Block lenses exist for the functions.
  assert(#lenses > 1, 'only the file lens: ' .. vim.inspect(lenses))
  -- Each is drawn on a line of its own above its line (a virtual line), never at the end of
  -- a line, where the current-line blame goes; Neovim draws none of its own.
  local lens_mod = require('gitinspector.lens')
  local drawn = wait_for('the lenses drawn', function()
    local marks = vim.api.nvim_buf_get_extmarks(buf, lens_mod.ns, 0, -1, { details = true })
    return #marks > 0 and marks or nil
  end)
  local lines_with_lens = {}
  for _, l in ipairs(lenses) do
    lines_with_lens[l.range.start.line] = true
  end
  eq(vim.tbl_count(lines_with_lens), #drawn, 'one virtual line per line with lenses')
  for _, m in ipairs(drawn) do
    local d = m[4]
    assert(d.virt_lines and d.virt_lines_above, 'a lens above its line: ' .. vim.inspect(d))
    eq(nil, d.virt_text, 'no end-of-line lens text')
    assert(lines_with_lens[m[2]], 'a lens drawn on line ' .. m[2])
  end
  for _, ns in pairs(vim.api.nvim_get_namespaces()) do
    for _, m in ipairs(vim.api.nvim_buf_get_extmarks(buf, ns, 0, -1, { details = true })) do
      local d = m[4]
      for _, chunk in ipairs(d.virt_text or {}) do
        assert(chunk[2] ~= 'LspCodeLens', 'Neovim drew a lens at the end of line ' .. m[2])
      end
    end
  end
  -- The file lens above line 1 shows: the window at the top has a filler row for it.
  eq(1, vim.fn.winsaveview().topfill, 'the row above line 1')
end)

--- The data rows of an authors table: name -> the row's text.
test('a file opened with :edit after the first gets its lenses too', function()
  vim.cmd.edit(vim.fn.fnameescape(repo .. '/b.py'))
  local b = vim.api.nvim_get_current_buf()
  wait_for('the file lens of b.py (a row above line 1)', function()
    return vim.tbl_contains(require('gitinspector.lens').rows(b), 0)
  end, 10000)
  vim.cmd.buffer(buf)
end)

local function rows_by_author(lines, names)
  local found = {}
  for _, l in ipairs(lines) do
    for name in pairs(names) do
      if vim.startswith(l, name .. ' ') then
        found[name] = l
      end
    end
  end
  return found
end

--- One row per author in `counts`, each showing that author's line count.
local function expect_author_rows(lines, counts, what)
  local rows = rows_by_author(lines, counts)
  eq(vim.tbl_count(counts), vim.tbl_count(rows), what or 'author rows')
  for name, n in pairs(counts) do
    assert(
      vim.tbl_contains(vim.split(rows[name], '%s+'), tostring(n)),
      rows[name] .. ' lacks ' .. n
    )
  end
end

--- The block of a block lens's command: {startLine, endLine} (0-based), or nil for the
--- file lens. The arguments are [uri, startLine, endLine].
local function lens_block(l)
  local args = l.command and l.command.arguments or {}
  if type(args[2]) == 'number' then
    return { startLine = args[2], endLine = args[3] }
  end
  return args[2] -- an older daemon's {startLine, endLine}
end

test('running a block lens shows the authors of the block', function()
  local lens
  for _, l in ipairs(vim.lsp.codelens.get(buf)) do
    if lens_block(l) then
      lens = lens or l
    end
  end
  assert(lens, 'no block lens')
  local block = lens_block(lens)
  -- Blocks shorter than codeLens.minBlockLines (3 by default) have no lens.
  for _, l in ipairs(vim.lsp.codelens.get(buf)) do
    local b = lens_block(l)
    assert(
      not b or b.endLine - b.startLine + 1 >= 3,
      'a lens over a short block: ' .. vim.inspect(b)
    )
  end
  local expected = {}
  for i = block.startLine + 1, block.endLine + 1 do
    local a = blame_a[i].author
    expected[a] = (expected[a] or 0) + 1
  end
  vim.api.nvim_win_set_cursor(0, { lens.range.start.line + 1, 0 })
  vim.lsp.codelens.run()
  local f = float_lines('gitinspector-authors')
  contains(f.lines[1], string.format('(%d lines)', block.endLine - block.startLine + 1), 'title')
  contains(
    f.lines[1],
    string.format('lines %d-%d', block.startLine + 1, block.endLine + 1),
    'title'
  )
  expect_author_rows(f.lines, expected, 'author rows of the block')
  expect_fits(f)
  close_float(f)
  vim.cmd.buffer(buf)
end)

test('the shipped help tags are what :helptags makes of the help file', function()
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir .. '/doc', 'p')
  vim.fn.writefile(
    vim.fn.readfile('editors/nvim/doc/gitinspector.txt'),
    dir .. '/doc/gitinspector.txt'
  )
  vim.cmd('helptags ' .. vim.fn.fnameescape(dir .. '/doc'))
  local made = vim.fn.readfile(dir .. '/doc/tags')
  eq(made, vim.fn.readfile('editors/nvim/doc/tags'), 'editors/nvim/doc/tags (regenerate it)')
  local tags = table.concat(made, '\n')
  for _, tag in ipairs({
    ':GitInspector',
    ':GitInspector-blame_prior',
    ':GitInspector-line_history',
    'gitinspector.setup()',
    'gitinspector-options',
    'gitinspector-health',
  }) do
    contains(tags, tag .. '\t', 'tags')
  end
  -- With only the README's minimal setup (the folder on 'runtimepath'), :help finds it.
  vim.cmd('help gitinspector')
  eq('help', vim.bo.buftype, ':help gitinspector')
  contains(vim.fn.expand('%:p'), 'editors/nvim/doc/gitinspector.txt', 'help file')
  vim.cmd('helpclose')
  vim.cmd.buffer(buf)
end)

test(':GitInspector analyze reports progress and shows the authors', function()
  progress = {}
  vim.cmd('GitInspector analyze')
  local f = float_lines('gitinspector-authors')
  local rows = rows_by_author(f.lines, repo_counts)
  for name, lines in pairs(repo_counts) do
    assert(rows[name], name .. ' missing in:\n' .. table.concat(f.lines, '\n'))
    assert(
      vim.tbl_contains(vim.split(rows[name], '%s+'), tostring(lines)),
      rows[name] .. ' lacks ' .. lines
    )
  end
  close_float(f)
  local mine = vim.tbl_filter(function(p)
    return type(p.token) == 'string' and type(p.value) == 'table'
  end, progress)
  assert(#mine > 0, 'no $/progress seen')
  local kinds = {}
  for _, p in ipairs(mine) do
    kinds[p.value.kind] = true
  end
  assert(kinds['begin'] and kinds['end'], 'progress kinds: ' .. vim.inspect(kinds))
  local done = false
  for _, n in ipairs(notes) do
    done = done or n:find('analysis done', 1, true) ~= nil
  end
  assert(done, 'no "analysis done" message: ' .. vim.inspect(notes))
end)

test(':GitInspector authors lists the repository authors and line counts; r reverses', function()
  vim.cmd('GitInspector authors')
  local f = float_lines('gitinspector-authors')
  contains(f.lines[1], 'Authors of', 'title')
  expect_author_rows(f.lines, repo_counts)
  -- Sorted by lines, most first; `r` reverses.
  local order = vim.tbl_keys(repo_counts)
  table.sort(order, function(a, b)
    return repo_counts[a] > repo_counts[b]
  end)
  local first_row = f.lines[5]
  assert(
    vim.startswith(first_row, order[1]),
    'first row ' .. first_row .. ', expected ' .. order[1]
  )
  -- The Lines % column: each author's share of the repository's lines.
  local rows = rows_by_author(f.lines, repo_counts)
  for name in pairs(repo_counts) do
    local pct = share(repo_counts, name)
    assert(vim.tbl_contains(vim.split(rows[name], '%s+'), pct), rows[name] .. ' lacks ' .. pct)
  end
  -- Each author's name in the colour of their rank (most lines first), whatever the order.
  local function name_groups()
    local lines = vim.api.nvim_buf_get_lines(f.buf, 0, -1, false)
    local authors_ns = require('gitinspector.views.authors').ns
    local groups = {}
    for _, m in ipairs(vim.api.nvim_buf_get_extmarks(f.buf, authors_ns, 0, -1, { details = true })) do
      for name in pairs(repo_counts) do
        if m[3] == 0 and vim.startswith(lines[m[2] + 1], name .. ' ') then
          eq(#name, m[4].end_col, 'highlight of the name ' .. name)
          groups[name] = m[4].hl_group
        end
      end
    end
    return groups
  end
  local wanted = {}
  for i, name in ipairs(ranked(repo_counts)) do
    wanted[name] = 'GitInspectorAuthor' .. i
  end
  eq(wanted, name_groups(), 'author colours')
  vim.api.nvim_set_current_win(f.win)
  vim.api.nvim_feedkeys('r', 'x', false)
  local after = vim.api.nvim_buf_get_lines(f.buf, 0, -1, false)
  assert(
    vim.startswith(after[5], order[#order]),
    'after r: ' .. after[5] .. ', expected ' .. order[#order]
  )
  eq(wanted, name_groups(), 'author colours after r')
  vim.api.nvim_feedkeys('s', 'x', false)
  after = vim.api.nvim_buf_get_lines(f.buf, 0, -1, false)
  assert(after[3]:find('Lines %% ▼'), 'after s the header is ' .. after[3])
  f.lines = after
  expect_fits(f)
  close_float(f)
  vim.cmd.buffer(buf)
end)

test(':GitInspector authors file lists the file authors and line counts', function()
  vim.cmd('GitInspector authors file')
  local f = float_lines('gitinspector-authors')
  contains(f.lines[1], 'a.py', 'title')
  expect_author_rows(f.lines, file_counts)
  expect_fits(f)
  close_float(f)
  vim.cmd.buffer(buf)
end)

test(
  'an authors table wider than the screen cuts names and emails, never the last columns',
  function()
    local authors = require('gitinspector.views.authors')
    local long = {
      name = 'Maximiliane Alexandra Wolfeschlegelsteinhausen',
      email = 'maximiliane.alexandra.wolfeschlegelsteinhausen@a-very-long-domain.example.org',
      commits = 1,
      insertions = 2,
      deletions = 3,
      lines = 4,
      linesPct = 5,
      stability = 6,
      age = 7,
      rank = 0,
    }
    local columns = vim.o.columns
    local ok, err = pcall(function()
      for _, width in ipairs({ 120, 140 }) do
        vim.o.columns = width
        local lines = authors.lines({
          kind = 'repository',
          title = 'Authors',
          rows = { vim.deepcopy(long) },
          sort = 6,
          descending = true,
        })
        for _, l in ipairs(lines) do
          assert(
            vim.fn.strdisplaywidth(l) <= width - 5,
            string.format('%d columns: a line of %d: %s', width, vim.fn.strdisplaywidth(l), l)
          )
        end
        assert(vim.endswith(lines[3], 'Age (days)'), 'the last column shows: ' .. lines[3])
        assert(lines[5]:find('Maximiliane', 1, true) and lines[5]:find('…', 1, true), lines[5])
        assert(vim.endswith(lines[5], '  7'), 'the age shows: ' .. lines[5])
      end
    end)
    vim.o.columns = columns
    assert(ok, err)
  end
)

--- workspace/executeCommand, synchronously, through the buffer's daemon.
local function execute_sync(command, arguments, b)
  local result, err = client.request_sync(
    b or buf,
    'workspace/executeCommand',
    { command = command, arguments = arguments },
    20000
  )
  assert(not err, command .. ': ' .. vim.inspect(err))
  return result
end

--- The lines of a diff that add or remove (not the ---/+++ file names).
local function changed_lines(lines)
  return vim.tbl_filter(function(l)
    return (l:match('^[+-]') ~= nil) and not l:match('^%+%+%+ ') and not l:match('^%-%-%- ')
  end, lines)
end

test(
  ':GitInspector commit: a float at the cursor with the commit and its diff of the file',
  function()
    local src_win = vim.api.nvim_get_current_win()
    local bob = line_of('Bob Brown')
    vim.api.nvim_win_set_cursor(0, { bob + 1, 0 })
    vim.cmd('GitInspector commit')
    local f = float_lines('git')
    local text = table.concat(f.lines, '\n')
    local sha = blame_a[bob + 1].sha
    contains(text, 'commit ' .. sha, 'commit float')
    contains(text, 'Bob Brown <bob@example.com>', 'commit float')
    contains(text, 'Render with bars and count items', 'commit float')
    contains(text, 'Longer explanation of the change.', 'commit float')
    -- The date as the daemon formats it (its `date`, under its dateFormat).
    local shown = execute_sync('gitinspector.showCommit', { vim.uri_from_bufnr(buf), sha })
    assert(type(shown.date) == 'string' and shown.date ~= '', 'showCommit has no date')
    contains(text, 'Date:   ' .. shown.date, 'commit float date')
    -- The commit's diff of this file, as git has it.
    eq(
      changed_lines(git_lines(repo, { 'show', '--format=', sha, '--', 'a.py' })),
      changed_lines(f.lines),
      'the diff of a.py'
    )
    -- At the cursor: just below (or above) the cursor line, not centred.
    local cfg = vim.api.nvim_win_get_config(f.win)
    -- (Neovim reports a float opened at the cursor as relative to its window.)
    assert(cfg.relative == 'cursor' or cfg.relative == 'win', 'relative to ' .. cfg.relative)
    local float_row = vim.fn.win_screenpos(f.win)[1]
    local cursor_row = vim.fn.screenpos(src_win, bob + 1, 1).row
    assert(
      float_row == cursor_row + 1 or float_row == cursor_row + 2 or float_row < cursor_row,
      string.format('float at row %d, cursor at row %d', float_row, cursor_row)
    )
    -- <CR> in it: the whole commit in its buffer.
    vim.api.nvim_set_current_win(f.win)
    vim.api.nvim_feedkeys(vim.keycode('<CR>'), 'x', false)
    local cb = wait_for('the commit buffer', function()
      local b = vim.fn.bufnr('gitinspector://commit/' .. sha)
      return b > 0 and vim.api.nvim_buf_line_count(b) > 3 and b or nil
    end)
    eq('git', vim.bo[cb].filetype, 'filetype of the commit buffer')
    vim.cmd('bwipeout ' .. cb)
    vim.cmd.buffer(buf)
  end
)

test(
  ':GitInspector commit {sha}: message, files and diff in a scratch buffer, as git has them',
  function()
    local sha = vim.trim(git({ 'rev-parse', 'HEAD' }))
    vim.cmd('GitInspector commit ' .. sha)
    local cb = wait_for('the commit buffer', function()
      local b = vim.fn.bufnr('gitinspector://commit/' .. sha)
      return b > 0 and vim.api.nvim_buf_line_count(b) > 3 and b or nil
    end)
    eq(cb, vim.api.nvim_get_current_buf(), 'the commit buffer is shown')
    eq('git', vim.bo[cb].filetype, 'filetype')
    eq('nofile', vim.bo[cb].buftype, 'a scratch buffer')
    local lines = vim.api.nvim_buf_get_lines(cb, 0, -1, false)
    local text = table.concat(lines, '\n')
    contains(text, 'commit ' .. sha, 'commit buffer')
    contains(text, 'Add helper module', 'commit buffer')
    -- Every file git lists, with its counts.
    for _, row in ipairs(git_lines(repo, { 'show', '--numstat', '--format=', sha })) do
      local ins, del, path = row:match('^(%d+)\t(%d+)\t(.+)$')
      local found = false
      for _, l in ipairs(lines) do
        found = found
          or (l:find(path, 1, true) and l:find('+' .. ins .. ' -' .. del, 1, true)) ~= nil
      end
      assert(found, 'no row for ' .. row .. ' in:\n' .. text)
    end
    -- The whole diff, as git has it.
    eq(
      changed_lines(git_lines(repo, { 'show', '--format=', sha })),
      changed_lines(lines),
      'the diff'
    )
    vim.cmd('normal q')
    eq(-1, vim.fn.bufwinnr(cb), 'q closes it')
    vim.cmd.buffer(buf)
  end
)

--- The author colour of palette entry i (1-based) for this 'background', from the vectors.
local function palette_fg(i)
  local v = vectors('palette.json')
  local list = vim.o.background == 'light' and v.light or v.dark
  return tonumber(list[i]:sub(2), 16)
end

test('author colours are the engine report palette (palette.json), by background', function()
  local colors = require('gitinspector.colors')
  local v = vectors('palette.json')
  eq(v.light, colors.PALETTE.light, 'PALETTE_LIGHT')
  eq(v.dark, colors.PALETTE.dark, 'PALETTE_DARK')
  eq(v.otherLight, colors.OTHER.light, 'OTHER_LIGHT')
  eq(v.otherDark, colors.OTHER.dark, 'OTHER_DARK')
  local saved = vim.o.background
  for _, bg in ipairs({ 'light', 'dark' }) do
    vim.o.background = bg
    local list = bg == 'light' and v.light or v.dark
    for rank = 0, #list - 1 do
      local group = colors.group(rank)
      eq('GitInspectorAuthor' .. (rank + 1), group, 'group of rank ' .. rank)
      eq(tonumber(list[rank + 1]:sub(2), 16), vim.api.nvim_get_hl(0, { name = group }).fg, bg)
    end
    -- Past the palette, one "other" colour.
    eq(colors.OTHER_GROUP, colors.group(#list), 'rank ' .. #list)
    eq(colors.OTHER_GROUP, colors.group(40), 'rank 40')
    local other = bg == 'light' and v.otherLight or v.otherDark
    eq(tonumber(other:sub(2), 16), vim.api.nvim_get_hl(0, { name = colors.OTHER_GROUP }).fg, bg)
    eq(colors.NOT_COMMITTED, colors.group(vim.NIL), 'not committed')
    -- The age heatmap is a background, never a text colour: it cannot read as an author.
    for level = 0, colors.AGE_LEVELS - 1 do
      local hl = vim.api.nvim_get_hl(0, { name = 'GitInspectorAge' .. level })
      assert(hl.bg and not hl.fg, 'GitInspectorAge' .. level .. ': ' .. vim.inspect(hl))
    end
  end
  vim.o.background = saved
  -- A group the user sets stays theirs.
  vim.api.nvim_set_hl(0, 'GitInspectorAuthor2', { fg = '#123456' })
  vim.o.background = saved == 'light' and 'dark' or 'light'
  vim.o.background = saved
  eq(0x123456, vim.api.nvim_get_hl(0, { name = 'GitInspectorAuthor2' }).fg, 'user colour kept')
  vim.api.nvim_set_hl(0, 'GitInspectorAuthor2', {})
  colors.define()
  eq(palette_fg(2), vim.api.nvim_get_hl(0, { name = 'GitInspectorAuthor2' }).fg, 'cleared')
end)

test(
  ':GitInspector blame: per hunk sha, author, date and summary; named, focused, bound',
  function()
    local util = require('gitinspector.util')
    local src_win = vim.api.nvim_get_current_win()
    vim.api.nvim_win_set_cursor(src_win, { 3, 0 })
    vim.wo[src_win].wrap = true
    vim.cmd('GitInspector blame')
    local bw = require('gitinspector.views.blame_window')
    local state = wait_for('the blame window', function()
      return bw.get(buf)
    end)
    -- A wrapped long line would put the file's lines beside the wrong blame: no wrap while open.
    eq(false, vim.wo[src_win].wrap, "the file's window does not wrap")
    eq(state.win, vim.api.nvim_get_current_win(), 'the cursor moved into the blame window')
    eq(3, vim.api.nvim_win_get_cursor(state.win)[1], 'on the line of the file')
    eq('gitinspector://blame/a.py', vim.api.nvim_buf_get_name(state.buf), 'buffer name')
    eq('nofile', vim.bo[state.buf].buftype, 'buftype')
    local lines = vim.api.nvim_buf_get_lines(state.buf, 0, -1, false)
    eq(vim.api.nvim_buf_line_count(buf), #lines, 'blame window lines')
    -- Hunks as git blame has them: the first line of each names the commit, the others a bar.
    local dates = {}
    local prev
    for i, l in ipairs(blame_a) do
      if l.sha ~= prev then
        local shown = l.author
        dates[l.sha] = dates[l.sha]
          or execute_sync('gitinspector.showCommit', { vim.uri_from_bufnr(buf), l.sha }).date
        local want = l.sha:sub(1, 8) .. ' ' .. shown
        assert(
          vim.startswith(lines[i], want),
          string.format('line %d: %q, not %s', i, lines[i], want)
        )
        contains(lines[i], ' ' .. dates[l.sha] .. ' ', 'line ' .. i .. ': the daemon date')
        contains(lines[i], l.summary, 'line ' .. i .. ': the summary')
      else
        eq('│', lines[i], 'line ' .. i .. ' continues the hunk')
      end
      prev = l.sha
    end
    assert(vim.wo[state.win].scrollbind and vim.wo[src_win].scrollbind, 'scrollbind')
    assert(vim.wo[state.win].cursorbind and vim.wo[src_win].cursorbind, 'cursorbind')
    -- Each author in the colour of their rank in the file (the commit's authorRank: most lines
    -- first): a.py's three authors, the palette's first three colours. Dates: the age heatmap,
    -- from the oldest commit (cold) to the newest (warm).
    local group_of, age_of = {}, {}
    for _, m in ipairs(vim.api.nvim_buf_get_extmarks(state.buf, bw.ns, 0, -1, { details = true })) do
      local group = m[4].hl_group
      local l = blame_a[m[2] + 1]
      if group:match('^GitInspectorAuthor') then
        eq(group_of[l.author] or group, group, 'one group for every line of ' .. l.author)
        group_of[l.author] = group
      elseif group:match('^GitInspectorAge') then
        age_of[l.sha] = group
      end
    end
    local order = ranked(file_counts)
    eq(3, #order, 'authors of a.py')
    for i, name in ipairs(order) do
      eq('GitInspectorAuthor' .. i, group_of[name], 'group of ' .. name .. ', rank ' .. (i - 1))
      eq(palette_fg(i), vim.api.nvim_get_hl(0, { name = group_of[name] }).fg, 'colour of ' .. name)
    end
    local by_time = vim.tbl_keys(age_of)
    table.sort(by_time, function(a, b)
      local ta, tb
      for _, l in ipairs(blame_a) do
        ta = l.sha == a and l.time or ta
        tb = l.sha == b and l.time or tb
      end
      return ta < tb
    end)
    eq('GitInspectorAge0', age_of[by_time[1]], 'the oldest commit is the coldest')
    eq('GitInspectorAge7', age_of[by_time[#by_time]], 'the newest commit is the warmest')
    -- g? lists the keys; q closes, back in the file.
    vim.api.nvim_feedkeys('g?', 'x', false)
    contains(notes[#notes], 'R ', 'keys')
    vim.api.nvim_feedkeys('q', 'x', false)
    eq(nil, bw.get(buf), 'q closed it')
    eq(src_win, vim.api.nvim_get_current_win(), 'back in the file')
    assert(not vim.wo[src_win].scrollbind, 'scrollbind off')
    eq(true, vim.wo[src_win].wrap, "the file's window wraps again")
    -- Another file in the file's window: the blame window goes.
    vim.cmd('GitInspector blame')
    state = wait_for('the blame window again', function()
      return bw.get(buf)
    end)
    vim.api.nvim_set_current_win(src_win)
    vim.cmd.edit(vim.fn.fnameescape(repo .. '/b.py'))
    wait_for('the blame window to close', function()
      return bw.get(buf) == nil
    end)
    eq(false, vim.api.nvim_win_is_valid(state.win), 'the blame window is closed')
    vim.cmd.buffer(buf)
    -- :GitInspector blame toggles.
    vim.cmd('GitInspector blame')
    wait_for('the blame window again', function()
      return bw.get(buf)
    end)
    vim.cmd('GitInspector blame')
    eq(nil, bw.get(buf), 'closed on the second :GitInspector blame')
    vim.api.nvim_set_current_win(src_win)
    eq(util.NOT_COMMITTED, string.rep('0', 40), 'the not-committed sha')
  end
)

test('the blame window: <CR> shows the commit of the line in a float at the cursor', function()
  local src_win = vim.api.nvim_get_current_win()
  local bob = line_of('Bob Brown')
  vim.api.nvim_win_set_cursor(src_win, { bob + 1, 0 })
  vim.cmd('GitInspector blame')
  local bw = require('gitinspector.views.blame_window')
  local state = wait_for('the blame window', function()
    return bw.get(buf)
  end)
  eq(bob + 1, vim.api.nvim_win_get_cursor(state.win)[1], 'cursor line')
  vim.api.nvim_feedkeys(vim.keycode('<CR>'), 'x', false)
  local f = float_lines('git')
  contains(f.lines[1], 'commit ' .. blame_a[bob + 1].sha, 'the commit of the line')
  local relative = vim.api.nvim_win_get_config(f.win).relative
  assert(relative == 'cursor' or relative == 'win', 'relative to ' .. relative)
  close_float(f)
  vim.api.nvim_set_current_win(state.win)
  vim.api.nvim_feedkeys('s', 'x', false)
  f = float_lines('git')
  contains(f.lines[1], 'commit ' .. blame_a[bob + 1].sha, 's: the same')
  close_float(f)
  bw.close(state)
  eq(src_win, vim.api.nvim_get_current_win(), 'back in the file')
end)

test('after an edit the line reads Not Committed Yet', function()
  local bob = line_of('Bob Brown')
  vim.api.nvim_buf_set_lines(buf, bob, bob + 1, false, { '    joined = " + ".join(items)' })
  vim.api.nvim_exec_autocmds('TextChanged', { buffer = buf })
  local text = blame_at(bob)
  contains(text, 'Not Committed Yet', 'edited line')
  -- Inserted lines shift the others; an untouched line keeps its author.
  vim.api.nvim_buf_set_lines(buf, 0, 0, false, { '# new first line' })
  contains(blame_at(0), 'Not Committed Yet', 'inserted line')
  contains(blame_at(line_of('Carol Chen') + 1), 'Carol Chen', 'shifted line')
  -- Edits were answered with deltas against the blame held; patched, it is
  -- the whole blame the daemon gives a client that holds nothing.
  assert(cache.deltas > 0, 'no delta answers after edits')
  local held = cache.current(buf)
  local full = client.request_sync(
    buf,
    'gitinspector/blame',
    { textDocument = { uri = vim.uri_from_bufnr(buf) } },
    10000
  )
  eq(full.resultId, held.data.resultId, 'same version')
  eq(vim.inspect(full.runs), vim.inspect(held.data.runs), 'patched runs')
  vim.cmd('silent edit!')
  contains(blame_at(bob), 'Bob Brown', 'after :edit!')
end)

test('a commit made outside Neovim refreshes the blame and the lenses', function()
  local line = line_of('Alice Anders')
  vim.api.nvim_buf_set_lines(buf, line, line + 1, false, { '# committed by Carol from a shell' })
  vim.cmd('silent write')
  contains(blame_at(line), 'Not Committed Yet', 'saved, uncommitted line')
  local refreshes = {}
  table.insert(client.on_refresh_hooks, function(_, method)
    refreshes[#refreshes + 1] = method
  end)
  -- The blame window open meanwhile follows too.
  local src_win = vim.api.nvim_get_current_win()
  vim.api.nvim_win_set_cursor(src_win, { line + 1, 0 })
  vim.cmd('GitInspector blame')
  local bw = require('gitinspector.views.blame_window')
  local state = wait_for('the blame window', function()
    return bw.get(buf)
  end)
  eq('Not Committed Yet', vim.api.nvim_buf_get_lines(state.buf, line, line + 1, false)[1], 'before')
  git(
    { 'commit', '-q', '-am', 'Carol commits from a shell' },
    AUTHORS.carol,
    '2024-03-01T09:30:00Z'
  )
  -- The daemon watches .git and asks for workspace/codeLens/refresh; the plugin then drops
  -- its cached blame and redraws.
  wait_for('the blame to follow the commit', function()
    vim.api.nvim_exec_autocmds('CursorMoved', { buffer = buf })
    vim.wait(100)
    local text = blame.text_for(buf, line)
    return text and text:find('Carol Chen', 1, true)
  end, 15000)
  wait_for('the file lens to follow the commit', function()
    for _, l in ipairs(vim.lsp.codelens.get(buf)) do
      if
        l.range.start.line == 0
        and l.command
        and l.command.title:find('last change Carol Chen')
      then
        return true
      end
    end
  end, 15000)
  wait_for('the blame window to follow the commit', function()
    local l = vim.api.nvim_buf_get_lines(state.buf, line, line + 1, false)[1]
    return l and l:find('Carol Chen', 1, true)
  end, 15000)
  bw.close(state)
  vim.api.nvim_set_current_win(src_win)
  -- The daemon itself asked (the plugin told it about .git through didChangeWatchedFiles).
  wait_for('workspace/codeLens/refresh from the daemon', function()
    return vim.tbl_contains(refreshes, 'workspace/codeLens/refresh')
  end, 5000)
  table.remove(client.on_refresh_hooks)
end)

test(':GitInspector toggle hides and shows the current-line blame', function()
  blame_at(0)
  vim.cmd('GitInspector toggle')
  eq(0, #vim.api.nvim_buf_get_extmarks(buf, blame.ns, 0, -1, {}), 'marks when off')
  vim.api.nvim_exec_autocmds('CursorMoved', { buffer = buf })
  vim.wait(200)
  eq(0, #vim.api.nvim_buf_get_extmarks(buf, blame.ns, 0, -1, {}), 'marks when off after a move')
  vim.cmd('GitInspector toggle')
  assert(blame_at(1) ~= '', 'blame back on')
end)

--- Runs `:GitInspector report {arg}` with vim.ui.open() recorded, not run; returns the
--- callback's result (the daemon's answer), the paths opened and the notes it added.
local function run_report(arg)
  local report = require('gitinspector.report')
  local opened, done, answer = {}, false, nil
  local orig_open, orig_write = vim.ui.open, report.write
  local first_note = #notes + 1
  vim.ui.open = function(path)
    opened[#opened + 1] = path
    return nil, nil
  end
  report.write = function(bufnr, a, on_done)
    return orig_write(bufnr, a, function(err, result)
      done, answer = true, { err = err, result = result }
      if on_done then
        on_done(err, result)
      end
    end)
  end
  local ok, err = pcall(function()
    -- An error notified at once (headless: raised by the command) still calls on_done.
    pcall(vim.cmd, 'GitInspector report ' .. (arg and vim.fn.fnameescape(arg) or ''))
    wait_for('the report of ' .. tostring(arg), function()
      return done
    end, 60000)
  end)
  vim.ui.open, report.write = orig_open, orig_write
  assert(ok, err)
  return answer, opened, vim.list_slice(notes, first_note)
end

--- The rows of table `name` of a section of the engine's HTML report data, as {column = value}.
local function report_rows(section, name)
  for _, t in ipairs(section.tables) do
    if t.name == name then
      local rows = {}
      for _, row in ipairs(t.rows) do
        local r = {}
        for i, col in ipairs(t.columns) do
          r[col[1]] = row[i]
        end
        rows[#rows + 1] = r
      end
      return rows
    end
  end
  error('no ' .. name .. ' table in the report')
end

test(':GitInspector report: the engine writes the HTML report, opened and notified', function()
  progress = {}
  local path = vim.fn.tempname() .. '/report.html'
  local answer, opened, new_notes = run_report(path)
  eq(nil, answer.err, 'error')
  eq('html', answer.result.format, 'format')
  eq({ path }, answer.result.files, 'the files the daemon wrote')
  eq({ path }, opened, 'opened with vim.ui.open')
  contains(table.concat(new_notes, '\n'), 'report: ' .. path, 'notification')
  -- The daemon's $/progress under the request's token (its end may come after the answer).
  local kinds = {}
  wait_for('the end of the report progress', function()
    for _, p in ipairs(progress) do
      if type(p.token) == 'string' and p.token:find('gitinspector.nvim/report/', 1, true) then
        kinds[p.value.kind] = true
      end
    end
    return kinds['begin'] and kinds['end']
  end, 5000)
  -- The engine's page, nothing of the plugin's.
  local html = table.concat(vim.fn.readfile(path), '\n')
  contains(html, '<meta name="generator" content="gitinspector-lsp">', 'report')
  local json = html:match('<script type="application/json" id="report%-data">(.-)</script>')
  assert(json, 'no report data in the page')
  local data = vim.json.decode(json)
  eq(1, #data.sections, 'sections')
  local section = data.sections[1]
  eq(repo, section.path, 'the repository')
  -- Counted now: an earlier test committed.
  local now_a, now_b = porcelain('a.py'), porcelain('b.py')
  local now_counts = counts(now_a, now_b)
  local got, pcts = {}, {}
  for _, a in ipairs(report_rows(section, 'authors')) do
    got[a.name] = a.lines
    pcts[a.name] = string.format('%.1f', a.lines_pct)
  end
  eq(now_counts, got, 'lines of each author')
  for name in pairs(now_counts) do
    eq(share(now_counts, name), pcts[name], 'Lines % of ' .. name)
  end
  -- Each file's top author: one of the authors of most lines (the engine breaks ties by
  -- insertions).
  local tops = {}
  for _, f in ipairs(report_rows(section, 'files')) do
    tops[f.path] = f.top_author
  end
  for file, lines in pairs({ ['a.py'] = now_a, ['b.py'] = now_b }) do
    local by_author, most = counts(lines), 0
    for _, n in pairs(by_author) do
      most = math.max(most, n)
    end
    assert(
      by_author[tops[file]] == most,
      string.format('top author of %s: %s', file, tostring(tops[file]))
    )
  end
end)

test(
  ':GitInspector report by extension and by format: Markdown, Excel, CSV in report_dir',
  function()
    local dir = vim.fn.tempname() .. '-reports'
    local now_counts = counts(porcelain('a.py'), porcelain('b.py'))
    -- .md: the engine's Markdown tables.
    local md_path = dir .. '/r.md'
    local answer, opened = run_report(md_path)
    eq({ md_path }, answer.result.files, 'markdown file')
    eq({ md_path }, opened, 'markdown opened')
    local md = vim.fn.readfile(md_path)
    for name, lines in pairs(now_counts) do
      local row
      for _, l in ipairs(md) do
        row = row or (vim.startswith(l, '| ' .. name .. ' |') and l or nil)
      end
      assert(row, name .. ' missing in:\n' .. table.concat(md, '\n'))
      local cells = vim.tbl_map(vim.trim, vim.split(row, '|', { plain = true }))
      assert(vim.tbl_contains(cells, tostring(lines)), row .. ' lacks ' .. lines)
    end
    -- .xlsx: an Excel workbook (a zip).
    local xlsx = dir .. '/r.xlsx'
    answer = run_report(xlsx)
    eq('excel', answer.result.format, 'excel format')
    eq({ xlsx }, answer.result.files, 'excel file')
    local fh = assert(io.open(xlsx, 'rb'))
    eq('PK', fh:read(2), 'xlsx signature')
    fh:close()
    -- A format's name: that format, in report_dir, named after the repository and the date.
    config.set({ binary = binary, delay = 50, report_dir = dir .. '/default' })
    answer, opened = run_report('csv')
    config.set({ binary = binary, delay = 50 })
    eq('csv', answer.result.format, 'csv format')
    local files = answer.result.files
    assert(#files > 1, 'one CSV file per table: ' .. vim.inspect(files))
    local name = vim.fs.basename(repo)
    for _, f in ipairs(files) do
      eq(dir .. '/default', vim.fs.dirname(f), 'in report_dir: ' .. f)
      assert(
        vim.fs.basename(f):match(
          '^gitinspector%-' .. vim.pesc(name) .. '%-%d+%-%d+%-%d+%-%d+%-%d+%-%d+%-[%a_]+%.csv$'
        ),
        'named after the repository and the date: ' .. f
      )
      eq(1, vim.fn.filereadable(f), 'written: ' .. f)
    end
    eq({ files[1] }, opened, 'the first CSV opened')
    local authors_csv = table.concat(vim.fn.readfile(files[1]), '\n')
    for author in pairs(now_counts) do
      contains(authors_csv, author, 'authors CSV')
    end
    -- No format of that extension: an error, and nothing asked.
    local before = #notes
    answer = run_report(dir .. '/r.txt')
    contains(answer.err.message, 'cannot tell the format', 'unknown extension')
    contains(table.concat(vim.list_slice(notes, before + 1), '\n'), '.html, .xlsx, .md or .csv')
    eq(0, vim.fn.filereadable(dir .. '/r.txt'), 'nothing written')
    vim.fn.delete(dir, 'rf')
  end
)

test('report arguments: formats, file names and params', function()
  local report = require('gitinspector.report')
  eq({ 'html', false }, { report.format_of(nil) }, 'no argument')
  eq({ 'excel', false }, { report.format_of('excel') }, 'a format')
  eq({ 'html', true }, { report.format_of('~/r.HTML') }, '.HTML')
  eq({ 'markdown', true }, { report.format_of('a.b/r.md') }, '.md')
  eq({ 'csv', true }, { report.format_of('r.csv') }, '.csv')
  eq(nil, (report.format_of('r')), 'no extension')
  local t = os.time({ year = 2025, month = 3, day = 4, hour = 5, min = 6, sec = 7 })
  eq(
    'gitinspector-shop-2025-03-04-05-06-07.xlsx',
    report.file_name({ '/w/shop/' }, 'excel', t),
    'file name'
  )
  eq(
    'gitinspector-a_b-c-2025-03-04-05-06-07.html',
    report.file_name({ '/w/a b', '/c' }, 'html', t),
    'file name of two'
  )
  eq({
    n_files = 3,
    input_fstrs = { '/r' },
    format = 'html',
    output = '/o.html',
  }, report.params({ n_files = 3 }, '/r', 'html', '/o.html'), 'params')
  eq(
    { '/x', '/y' },
    report.params({ input_fstrs = { '/x', '/y' } }, '/r', 'csv', '/o.csv').input_fstrs,
    'the analysis option names the repositories'
  )
  eq({ '/r' }, report.params({ input_fstrs = {} }, '/r', 'csv', '/o.csv').input_fstrs, 'none')
  -- The plugin has no HTML generator of its own.
  eq(nil, report.html, 'report.html')
end)

test(':GitInspector completes its subcommands', function()
  local subs = vim.fn.getcompletion('GitInspector a', 'cmdline')
  eq({ 'analyze', 'authors' }, subs, 'completion of a')
  eq(
    { 'file' },
    vim.fn.getcompletion('GitInspector authors f', 'cmdline'),
    'completion of authors f'
  )
  eq(
    { 'excel' },
    vim.fn.getcompletion('GitInspector report exc', 'cmdline'),
    'completion of report exc'
  )
end)

----------------------------------------------------------------------------------------------
-- History: a second repository with a rename.
local repo2
local function write2(rel, lines)
  vim.fn.writefile(lines, repo2 .. '/' .. rel)
end
do
  repo2 = vim.fn.tempname() .. '-gi-history'
  vim.fn.mkdir(repo2, 'p')
  repo2 = vim.uv.fs_realpath(repo2)
  git_in(repo2, { 'init', '-q', '-b', 'main' })
  git_in(repo2, { 'config', 'user.name', 'Someone Else' })
  git_in(repo2, { 'config', 'user.email', 'someone@example.com' })
  local body = {
    'def one():',
    '    return 1',
    '',
    'def two():',
    '    return 2',
    '',
    'def three():',
    '    return 3',
  }
  write2('old.py', body)
  git_in(repo2, { 'add', 'old.py' })
  git_in(
    repo2,
    { 'commit', '-q', '-m', 'Add one, two, three' },
    AUTHORS.alice,
    '2022-01-01T10:00:00Z'
  )
  body[5], body[8] = '    return 2 + 0', '    return 3 + 0'
  write2('old.py', body)
  git_in(repo2, { 'commit', '-q', '-am', 'Add zeros' }, AUTHORS.bob, '2022-06-01T10:00:00Z')
  git_in(repo2, { 'mv', 'old.py', 'new.py' })
  body[1] = 'def one():  # first'
  write2('new.py', body)
  git_in(
    repo2,
    { 'commit', '-q', '-am', 'Rename to new.py' },
    AUTHORS.carol,
    '2023-01-01T10:00:00Z'
  )
  body[5] = '    return 22'
  write2('new.py', body)
  git_in(repo2, { 'commit', '-q', '-am', 'Two is 22' }, AUTHORS.alice, '2023-06-01T10:00:00Z')
end
local buf2

--- Where line `line` (1-based) of `path` at `rev` came from (git blame --porcelain): the
--- commit, and the parent and file name it had before (`previous`).
local function origin(rev, path, line)
  local text = git_in(repo2, { 'blame', '--porcelain', '-L', line .. ',' .. line, rev, '--', path })
  local sha = text:match('^(%x+) ')
  local parent, old = text:match('\nprevious (%x+) ([^\n]+)')
  return { sha = sha, parent = parent, path = old }
end

test(
  ':GitInspector blame_prior: the version before the commit of the line, as git show has it',
  function()
    vim.cmd.edit(vim.fn.fnameescape(repo2 .. '/new.py'))
    buf2 = vim.api.nvim_get_current_buf()
    wait_for('the daemon of the second repository', function()
      return client.get(buf2)
    end)
    local src_win = vim.api.nvim_get_current_win()
    local bw = require('gitinspector.views.blame_window')
    -- Line 5, `return 22`: last changed by "Two is 22".
    vim.api.nvim_win_set_cursor(0, { 5, 0 })
    local o1 = origin('HEAD', 'new.py', 5)
    vim.cmd('GitInspector blame_prior')
    local state = wait_for('the older version', function()
      local s = bw.get(buf2)
      return s and #s.stack == 1 and s or nil
    end)
    local v1 = state.stack[1]
    eq(o1.parent, v1.revision, 'the parent of the commit of the line')
    eq(o1.sha, v1.commit, 'the commit of the line')
    eq(o1.path, v1.path, 'the path')
    eq(v1.buf, vim.api.nvim_win_get_buf(src_win), "the older version in the file's window")
    eq(
      git_lines(repo2, { 'show', o1.parent .. ':' .. o1.path }),
      vim.api.nvim_buf_get_lines(v1.buf, 0, -1, false),
      'the text of git show C^:path'
    )
    assert(not vim.bo[v1.buf].modifiable and vim.bo[v1.buf].readonly, 'read-only')
    eq(
      string.format('gitinspector://%s/%s', o1.parent:sub(1, 8), o1.path),
      vim.api.nvim_buf_get_name(v1.buf),
      'name of the older version'
    )
    eq('python', vim.bo[v1.buf].filetype, 'filetype of the older version')
    eq(state.win, vim.api.nvim_get_current_win(), 'the cursor in the blame window')
    -- Its own blame: what git blame says of that version.
    local lines = vim.api.nvim_buf_get_lines(state.buf, 0, -1, false)
    eq(vim.api.nvim_buf_line_count(v1.buf), #lines, 'blame lines of the older version')
    local line = vim.api.nvim_win_get_cursor(state.win)[1]
    contains(vim.api.nvim_buf_get_lines(v1.buf, line - 1, line, false)[1], 'return 2 + 0', 'line')
    local o2 = origin(o1.parent, o1.path, line)
    local first
    for i = line, 1, -1 do
      if lines[i] ~= '│' then
        first = lines[i]
        break
      end
    end
    assert(vim.startswith(first, o2.sha:sub(1, 8)), 'blame of the older version: ' .. first)
    contains(first, 'Bob Brown', 'author in the older blame')
    -- r: one more step back, across the rename.
    vim.api.nvim_feedkeys('r', 'x', false)
    wait_for('the second older version', function()
      return #state.stack == 2 or nil
    end)
    local v2 = state.stack[2]
    eq({ o2.parent, 'old.py' }, { v2.revision, v2.path }, 'the version before the rename')
    eq(
      git_lines(repo2, { 'show', o2.parent .. ':old.py' }),
      vim.api.nvim_buf_get_lines(v2.buf, 0, -1, false),
      'the text of git show C2^:old.py'
    )
    -- <BS>: one step forward; R: the working tree.
    vim.api.nvim_feedkeys(vim.keycode('<BS>'), 'x', false)
    wait_for('one step forward', function()
      return #state.stack == 1 and vim.api.nvim_win_get_buf(src_win) == v1.buf or nil
    end)
    eq(false, vim.api.nvim_buf_is_valid(v2.buf), 'the version left is wiped')
    vim.api.nvim_feedkeys('R', 'x', false)
    wait_for('the working tree', function()
      return #state.stack == 0 and vim.api.nvim_win_get_buf(src_win) == buf2 or nil
    end)
    wait_for('the working blame', function()
      local l = vim.api.nvim_buf_get_lines(state.buf, 0, -1, false)
      return #l == vim.api.nvim_buf_line_count(buf2) and l[5]:find(o1.sha:sub(1, 8), 1, true)
    end)
    eq(5, vim.api.nvim_win_get_cursor(src_win)[1], 'back on the line')
    bw.close(state)
    eq(buf2, vim.api.nvim_win_get_buf(src_win), 'the file')
  end
)

test(
  ':GitInspector blame_prior on a line with no older version: says which line, opens nothing',
  function()
    vim.cmd.buffer(buf2)
    local bw = require('gitinspector.views.blame_window')
    local src_win = vim.api.nvim_get_current_win()
    -- A line that came with its file (blame names no previous version of it).
    local line
    for l = 1, vim.api.nvim_buf_line_count(buf2) do
      if not origin('HEAD', 'new.py', l).parent then
        line = l
        break
      end
    end
    assert(line, 'a line added with the file')
    vim.api.nvim_win_set_cursor(src_win, { line, 0 })
    local failed
    bw.prior(function(err)
      failed = err or false
    end)
    wait_for('the step back to fail', function()
      return failed ~= nil or nil
    end)
    assert(failed, 'the step back failed')
    contains(failed.message, 'line ' .. line .. ' ', 'the line as a person counts it')
    eq(nil, bw.get(buf2), 'no blame window left open')
    eq(src_win, vim.api.nvim_get_current_win(), "back in the file's window")
  end
)

--- Runs a history subcommand with vim.ui.select recorded and answered with item `pick`;
--- returns the items offered and the prompt.
local function pick_history(cmd, pick)
  local offered, prompt
  local orig = vim.ui.select
  vim.ui.select = function(items, opts, on_choice)
    offered, prompt = items, opts.prompt
    for _, item in ipairs(items) do
      assert(type(opts.format_item(item)) == 'string', 'format_item')
    end
    on_choice(items[pick == 'last' and #items or pick])
  end
  local ok, err = pcall(function()
    vim.cmd(cmd)
    wait_for('the picker of ' .. cmd, function()
      return offered
    end)
  end)
  vim.ui.select = orig
  assert(ok, err)
  return offered, prompt
end

test(':GitInspector line_history: the commits of git log -L, picked one shown', function()
  vim.cmd.buffer(buf2)
  local shas = function(items)
    return vim.tbl_map(function(c)
      return c.sha
    end, items)
  end
  -- A range: lines 4-5 (def two / return 22).
  local items, prompt = pick_history('4,5GitInspector line_history', 2)
  local want = git_lines(repo2, { 'log', '-L4,5:new.py', '--format=%H', '--no-patch' })
  want = vim.tbl_filter(function(l)
    return l:match('^%x+$')
  end, want)
  eq(want, shas(items), 'git log -L4,5:new.py')
  contains(prompt, 'lines 4-5', 'prompt')
  for _, c in ipairs(items) do
    assert(type(c.date) == 'string' and c.date ~= '', 'a date: ' .. vim.inspect(c))
  end
  -- The one picked: its commit buffer.
  local cb = wait_for('the commit buffer of the pick', function()
    local b = vim.fn.bufnr('gitinspector://commit/' .. items[2].sha)
    return b > 0 and vim.api.nvim_buf_line_count(b) > 3 and b or nil
  end)
  contains(vim.api.nvim_buf_get_lines(cb, 0, 1, false)[1], items[2].sha, 'commit line')
  vim.cmd('bwipeout ' .. cb)
  -- No range: the cursor line.
  vim.cmd.buffer(buf2)
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  items = pick_history('GitInspector line_history', nil)
  want = vim.tbl_filter(function(l)
    return l:match('^%x+$')
  end, git_lines(repo2, { 'log', '-L1,1:new.py', '--format=%H', '--no-patch' }))
  eq(want, shas(items), 'git log -L1,1:new.py')
  -- A visual selection gives its range.
  vim.api.nvim_win_set_cursor(0, { 7, 0 })
  vim.cmd('normal! Vj')
  vim.cmd('normal! \27')
  items = pick_history("'<,'>GitInspector line_history", nil)
  want = vim.tbl_filter(function(l)
    return l:match('^%x+$')
  end, git_lines(repo2, { 'log', '-L7,8:new.py', '--format=%H', '--no-patch' }))
  eq(want, shas(items), 'git log -L7,8:new.py')
end)

test(':GitInspector file_history: the commits of git log --follow, renames named', function()
  vim.cmd.buffer(buf2)
  local items = pick_history('GitInspector file_history', 'last')
  local want = git_lines(repo2, { 'log', '--follow', '--format=%H', '--', 'new.py' })
  eq(
    want,
    vim.tbl_map(function(c)
      return c.sha
    end, items),
    'git log --follow -- new.py'
  )
  -- Each with the file's name in that commit.
  local named = git_lines(repo2, { 'log', '--follow', '--format=', '--name-only', '--', 'new.py' })
  named = vim.tbl_filter(function(l)
    return l ~= ''
  end, named)
  eq(
    named,
    vim.tbl_map(function(c)
      return c.path
    end, items),
    'paths'
  )
  -- The first commit (picked): in its buffer, the cursor on the diff of old.py.
  local first = items[#items]
  local cb = wait_for('the commit buffer', function()
    local b = vim.fn.bufnr('gitinspector://commit/' .. first.sha)
    return b > 0 and vim.api.nvim_buf_line_count(b) > 3 and b or nil
  end)
  eq(cb, vim.api.nvim_get_current_buf(), 'shown')
  local at = vim.api.nvim_get_current_line()
  contains(at, 'diff --git', 'cursor line')
  contains(at, 'old.py', 'cursor line')
  vim.cmd('bwipeout ' .. cb)
  vim.cmd.buffer(buf2)
end)

test(':GitInspector without a subcommand shows the usage', function()
  local before = #notes
  vim.cmd('GitInspector')
  local text = table.concat(vim.list_slice(notes, before + 1), '\n')
  contains(text, 'Usage: :GitInspector {subcommand}', 'usage')
  for _, sub in ipairs(require('gitinspector.commands').subcommands) do
    local line
    for _, l in ipairs(vim.split(text, '\n')) do
      line = line or (vim.startswith(vim.trim(l), sub.name .. ' ') and l or nil)
    end
    assert(line, sub.name .. ' missing in the usage:\n' .. text)
    assert(#vim.trim(line) > #sub.name + 10, 'no description for ' .. sub.name)
  end
  eq(nil, require('gitinspector.views.blame_window').get(buf2), 'no blame window opened')
end)

test('the build function runs scripts/setup.sh of its checkout, as lazy.nvim calls it', function()
  local build = require('gitinspector.build')
  eq(vim.uv.fs_realpath(vim.fn.getcwd()), vim.uv.fs_realpath(build.root()), 'checkout root')
  -- A checkout whose setup.sh stands in for the real one (which builds for minutes).
  local fake = vim.fn.tempname() .. '-checkout'
  vim.fn.mkdir(fake .. '/scripts', 'p')
  vim.fn.mkdir(fake .. '/editors/nvim/lua/gitinspector', 'p')
  for _, f in ipairs({ 'editors/nvim/build.lua', 'editors/nvim/lua/gitinspector/build.lua' }) do
    vim.fn.writefile(vim.fn.readfile(f), fake .. '/' .. f)
  end
  local function script(lines)
    vim.fn.writefile(
      vim.list_extend({ '#!/usr/bin/env bash', 'set -e' }, lines),
      fake .. '/scripts/setup.sh'
    )
  end
  script({
    'echo "compiling in $PWD"',
    'sleep 0.3',
    'mkdir -p target/release',
    [[printf '#!/bin/sh\necho "gitinspector-lsp 9.9.9"\n' > target/release/gitinspector-lsp]],
    'chmod +x target/release/gitinspector-lsp',
  })
  -- Called directly: it waits.
  local bin, version = build.run({ root = fake })
  eq(fake .. '/target/release/gitinspector-lsp', bin, 'binary')
  eq('gitinspector-lsp 9.9.9', version, 'version')
  -- As lazy.nvim runs `build = 'editors/nvim/build.lua'` (or the build.lua of a `dir` spec):
  -- the file loaded and called in a coroutine, resumed until it ends, yielding progress.
  vim.fn.delete(fake .. '/target', 'rf')
  local chunk = assert(loadfile(fake .. '/editors/nvim/build.lua'))
  local co = coroutine.create(chunk)
  local messages = {}
  while coroutine.status(co) ~= 'dead' do
    local ok, msg = coroutine.resume(co)
    assert(ok, msg)
    if type(msg) == 'table' then
      messages[#messages + 1] = msg.msg
    end
    vim.wait(20)
  end
  assert(#messages > 1, 'no progress yielded')
  contains(messages[#messages], 'building gitinspector-lsp: compiling in ' .. fake, 'progress')
  eq(1, vim.fn.executable(fake .. '/target/release/gitinspector-lsp'), 'built')
  -- A failing build says so, with the command to run by hand and the end of the output.
  script({ 'echo "error: linker cc not found" >&2', 'exit 3' })
  local ok, err = pcall(build.run, { root = fake })
  assert(not ok, 'a failing build raised no error')
  contains(err, 'exit 3', 'error')
  contains(err, 'bash ' .. vim.fn.shellescape(fake .. '/scripts/setup.sh'), 'the command')
  contains(err, 'error: linker cc not found', 'the output')
  -- Not in a checkout: it says so.
  ok, err = pcall(build.run, { root = vim.fn.tempname() })
  assert(not ok)
  contains(err, 'not inside a gitinspector-lsp checkout', 'error')
  vim.fn.delete(fake, 'rf')
end)

test('unset options take the defaults the daemon announces, none of the plugin', function()
  -- A daemon (tests/nvim/fake_daemon.py) announcing other defaults than today's.
  local util = require('gitinspector.util')
  local announced =
    { blameTemplate = '${summary} ~ ${author} ~ ${date} [${sha}]', dateFormat = '%Y/%m' }
  local fake_repo = vim.fn.tempname() .. '-gi-fake'
  vim.fn.mkdir(fake_repo .. '/.git', 'p')
  vim.fn.writefile({ 'x = 1', 'y = 2', 'z = 3' }, fake_repo .. '/fake.py')
  local python = vim.fn.exepath('python3')
  if python == '' then
    python = vim.fn.getcwd() .. '/.venv/bin/python'
  end
  local fake = { vim.fn.getcwd() .. '/tests/nvim/fake_daemon.py', vim.json.encode(announced) }
  config.set({ binary = python, args = fake, delay = 10 })
  local ok, err = pcall(function()
    vim.cmd.edit(vim.fn.fnameescape(fake_repo .. '/fake.py'))
    local fbuf = vim.api.nvim_get_current_buf()
    wait_for('the fake daemon', function()
      return client.get(fbuf)
    end)
    eq(announced.blameTemplate, client.defaults(fbuf).blameTemplate, 'announced template')
    -- The current-line blame: the announced template and date format.
    local month = os.date('%Y/%m', 1700000000)
    eq('    Fake commit ~ Fay Fake ~ ' .. month .. ' [ffffffff]', blame_at(1, fbuf), 'blame text')
    -- The file authors' Last change dates: the announced date format; each author in the
    -- colour of their rank (their index in the answer's authors, most lines first).
    vim.cmd('GitInspector authors file')
    local f = float_lines('gitinspector-authors')
    local groups = {}
    for _, m in
      ipairs(vim.api.nvim_buf_get_extmarks(f.buf, require('gitinspector.views.authors').ns, 0, -1, {
        details = true,
      }))
    do
      local name = f.lines[m[2] + 1]:match('^(%a+ %a+) ')
      if name and m[2] >= 4 and m[3] == 0 then
        groups[name] = m[4].hl_group
      end
    end
    eq({
      ['Fay Fake'] = 'GitInspectorAuthor1',
      ['Gus Guest'] = 'GitInspectorAuthor2',
      ['Hal Helper'] = 'GitInspectorAuthor3',
    }, groups, 'author colours of the file authors')
    for _, l in ipairs(f.lines) do
      if vim.startswith(l, 'Fay Fake ') then
        contains(l, ' ' .. month .. ' ', 'last change of Fay Fake')
      end
    end
    close_float(f)
    vim.cmd.buffer(fbuf)
    -- What the user gives wins over the announced defaults.
    config.set({
      binary = python,
      args = fake,
      delay = 10,
      blame_template = 'mine: ${author} ${date}',
      date_format = 'absolute',
    })
    eq(
      'mine: Fay Fake ' .. os.date('%Y-%m-%d %H:%M', 1700000000),
      blame.text_for(fbuf, 0),
      'the user options'
    )
    config.set({ binary = python, args = fake, delay = 10, date_format = '%d.%m.%Y' })
    eq(
      'Fake commit ~ Fay Fake ~ ' .. os.date('%d.%m.%Y', 1700000000) .. ' [ffffffff]',
      blame.text_for(fbuf, 0),
      'the announced template, the user date format'
    )
    -- Nothing given and nothing announced: no value, rather than one of the plugin's own.
    eq(nil, config.daemon_setting('blameTemplate', nil), 'no announced template')
    eq('', util.date(1700000000, nil), 'no date format')
    eq(true, config.daemon_setting('codeLens.file', { codeLens = { file = true } }), 'nested')
    client.get(fbuf):stop(true)
    vim.cmd('bwipeout! ' .. fbuf)
  end)
  config.set({ binary = binary, delay = 50 })
  vim.fn.delete(fake_repo, 'rf')
  vim.cmd.buffer(buf)
  assert(ok, err)
end)

test(':checkhealth gitinspector reports OK', function()
  vim.cmd.buffer(buf)
  vim.cmd('checkhealth gitinspector')
  local hb = wait_for('the health buffer', function()
    local b = vim.fn.bufnr('health://')
    return b > 0 and b or nil
  end)
  local text = wait_for('the health report', function()
    local t = table.concat(vim.api.nvim_buf_get_lines(hb, 0, -1, false), '\n')
    return t:find('gitinspector: git', 1, true) and t or nil
  end)
  log('    ' .. text:gsub('\n', '\n    '))
  contains(text, 'OK binary: ', 'health')
  contains(text, 'gitinspector-lsp 0', 'health (version)')
  contains(text, 'OK engine healthy', 'health')
  contains(text, 'OK git version', 'health')
  contains(text, 'is in repository ' .. repo, 'health')
  contains(text, 'OK the daemon has every command the plugin uses', 'health')
  assert(not text:find('ERROR'), 'health has errors')
  assert(not text:find('WARNING'), 'health has warnings')
  vim.cmd('tabclose')
end)

test(':checkhealth says how to fix a missing binary, with the exact commands', function()
  local build = require('gitinspector.build')
  config.set({ binary = '/nonexistent/gitinspector-lsp' })
  local ok, err = pcall(function()
    vim.cmd('checkhealth gitinspector')
    local hb = vim.api.nvim_get_current_buf()
    local text = table.concat(vim.api.nvim_buf_get_lines(hb, 0, -1, false), '\n')
    log('    ' .. text:gsub('\n', '\n    '))
    contains(text, 'ERROR option binary=/nonexistent/gitinspector-lsp is not executable', 'health')
    contains(text, '`:GitInspector build`', 'advice')
    contains(text, '`' .. build.command_line() .. '`', 'advice')
    contains(
      text,
      '`bash ' .. vim.fn.shellescape(build.root() .. '/scripts/install.sh') .. '`',
      'advice'
    )
    contains(text, "setup({ binary = '/path/to/gitinspector-lsp' })", 'advice')
    vim.cmd('tabclose')
  end)
  config.set({ binary = binary, delay = 50 })
  assert(ok, err)
end)

test(':checkhealth without an attached daemon starts one for the check', function()
  local health = require('gitinspector.health')
  for _, c in ipairs(vim.lsp.get_clients({ name = 'gitinspector' })) do
    c:stop(true)
  end
  wait_for('the clients to stop', function()
    return #vim.lsp.get_clients({ name = 'gitinspector' }) == 0
  end)
  vim.cmd('enew')
  vim.cmd('checkhealth gitinspector')
  local hb = vim.fn.bufnr('health://')
  local text = table.concat(vim.api.nvim_buf_get_lines(hb, 0, -1, false), '\n')
  contains(text, 'starting one for the check', 'health')
  contains(text, 'OK engine healthy', 'health')
  assert(health.check ~= nil)
end)

log(string.format('%d passed, %d failed', passed, failed))
vim.fn.delete(repo, 'rf')
if failed > 0 then
  vim.cmd('cquit 1')
end
vim.cmd('qall!')
