-- :GitInspector {subcommand} and its completion.
local client = require('gitinspector.client')
local util = require('gitinspector.util')

local M = {}

local function need_client(bufnr)
  if client.get(bufnr) then
    return true
  end
  util.notify('not attached to this buffer (is it inside a git repository?)', vim.log.levels.WARN)
  return false
end

--- Runs gitinspector.analyzeWorkspace; progress arrives as $/progress (LspProgress).
function M.analyze(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  util.notify('analyzing the workspace…')
  client.execute(bufnr, 'gitinspector.analyzeWorkspace', {}, function(err, result)
    if err or not result then
      util.notify('analysis failed: ' .. (err and err.message or 'no result'), vim.log.levels.ERROR)
      return
    end
    local parts = {}
    for _, repo in ipairs(result.repositories or {}) do
      local t = repo.totals or {}
      parts[#parts + 1] = string.format(
        '%s: %d authors, %d files, %d lines',
        repo.name or '?',
        t.authors or 0,
        t.files or 0,
        t.lines or 0
      )
    end
    util.notify('analysis done: ' .. table.concat(parts, '; '))
    require('gitinspector.views.authors').show_analysis(result)
  end)
end

--- The working-tree buffer a command acts on: the current one when the daemon is attached
--- to it; from a blame window (showing the working tree, unless `any_version`), its file's.
local function source(any_version)
  local buf = vim.api.nvim_get_current_buf()
  if client.get(buf) then
    return buf
  end
  local state = require('gitinspector.views.blame_window').of_buffer(buf)
  if state and (any_version or #state.stack == 0) then
    return state.src
  end
end

--- The subcommands, in the order the usage lists them. `attached = false`: runs without the
--- daemon attached to the current buffer; `range`: takes a range of lines.
M.subcommands = {
  {
    name = 'blame',
    desc = 'blame window: sha, author, date and summary of each hunk (again: close)',
    attached = false,
    run = function()
      require('gitinspector.views.blame_window').toggle()
    end,
  },
  {
    name = 'blame_prior',
    desc = "blame at the parent of the cursor line's commit: the older version, read-only",
    attached = false,
    run = function()
      require('gitinspector.views.blame_window').prior()
    end,
  },
  {
    name = 'commit',
    args = '[sha]',
    desc = "the cursor line's commit in a float; with a sha: the whole commit in a buffer",
    any_version = true,
    run = function(args, ctx)
      local commit = require('gitinspector.views.commit')
      if args[1] then
        commit.show(ctx.buf, args[1])
      else
        commit.open(vim.api.nvim_get_current_buf())
      end
    end,
  },
  {
    name = 'line_history',
    args = '(range)',
    desc = 'commits that changed these lines (the range, else the cursor line): pick one',
    run = function(_, ctx)
      require('gitinspector.views.history').lines(ctx.buf, ctx.line1 - 1, ctx.line2 - 1)
    end,
  },
  {
    name = 'file_history',
    desc = 'commits of this file, renames followed: pick one',
    run = function(_, ctx)
      require('gitinspector.views.history').file(ctx.buf)
    end,
  },
  {
    name = 'authors',
    args = '[file]',
    desc = 'authors of the repository, or with `file` of this file (a sortable table)',
    complete = { 'repository', 'file' },
    run = function(args, ctx)
      require('gitinspector.views.authors').open(
        args[1] == 'file' and 'file' or 'repository',
        ctx.buf
      )
    end,
  },
  {
    name = 'lens',
    desc = 'run the code lens of this block: the authors of the block',
    run = function()
      require('gitinspector.lens').run()
    end,
  },
  {
    name = 'toggle',
    desc = 'current-line blame on/off',
    attached = false,
    run = function()
      local on = require('gitinspector.blame').toggle()
      util.notify('current-line blame ' .. (on and 'on' or 'off'))
    end,
  },
  {
    name = 'analyze',
    desc = 'analyze the workspace (progress in the LSP progress messages)',
    run = function(_, ctx)
      M.analyze(ctx.buf)
    end,
  },
  {
    name = 'report',
    args = '[path|format]',
    desc = "the engine's report of the repository (html, excel, markdown, csv)",
    complete = function(arglead)
      return require('gitinspector.report').complete(arglead)
    end,
    run = function(args, ctx)
      require('gitinspector.report').write(ctx.buf, args[1])
    end,
  },
  {
    name = 'build',
    desc = "build the daemon in this plugin's checkout (bash scripts/setup.sh)",
    attached = false,
    run = function()
      require('gitinspector.build').run_notify()
    end,
  },
}

local by_name = {}
for _, sub in ipairs(M.subcommands) do
  by_name[sub.name] = sub
end

--- The usage: each subcommand with one line.
function M.usage()
  local lines = { 'Usage: :GitInspector {subcommand}' }
  for _, sub in ipairs(M.subcommands) do
    local head = sub.name .. (sub.args and (' ' .. sub.args) or '')
    lines[#lines + 1] = string.format('  %-22s %s', head, sub.desc)
  end
  lines[#lines + 1] = 'See :help gitinspector-commands'
  return table.concat(lines, '\n')
end

function M.run(opts)
  local args = vim.deepcopy(opts.fargs)
  local name = table.remove(args, 1)
  if not name then
    vim.notify(M.usage(), vim.log.levels.INFO)
    return
  end
  local sub = by_name[name]
  if not sub then
    util.notify('unknown subcommand: ' .. name .. '\n' .. M.usage(), vim.log.levels.ERROR)
    return
  end
  local ctx = { line1 = opts.line1, line2 = opts.line2, range = opts.range }
  if sub.attached ~= false then
    ctx.buf = source(sub.any_version)
    if not ctx.buf then
      need_client(vim.api.nvim_get_current_buf())
      return
    end
  end
  sub.run(args, ctx)
end

function M.complete(arglead, cmdline, _)
  local words = vim.split(cmdline:gsub('^%s*%S+%s*', ''), '%s+', { trimempty = false })
  if #words <= 1 then
    local names = vim.tbl_keys(by_name)
    table.sort(names)
    return vim.tbl_filter(function(n)
      return vim.startswith(n, arglead)
    end, names)
  end
  local sub = by_name[words[1]]
  if not sub or not sub.complete or #words > 2 then
    return {}
  end
  if type(sub.complete) == 'function' then
    return sub.complete(arglead)
  end
  return vim.tbl_filter(function(n)
    return vim.startswith(n, arglead)
  end, sub.complete)
end

function M.create()
  vim.api.nvim_create_user_command('GitInspector', M.run, {
    nargs = '*',
    range = true,
    complete = M.complete,
    desc = 'gitinspector: blame | blame_prior | commit | line_history | file_history | authors | …',
  })
end

return M
