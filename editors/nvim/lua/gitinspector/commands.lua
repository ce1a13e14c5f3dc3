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

M.subcommands = {
  blame = {
    desc = 'side window with the author and date of each line',
    run = function()
      require('gitinspector.views.blame_window').toggle()
    end,
  },
  authors = {
    desc = 'authors of the repository, or `authors file` for this file',
    complete = { 'repository', 'file' },
    run = function(args)
      require('gitinspector.views.authors').open(args[1] == 'file' and 'file' or 'repository')
    end,
  },
  commit = {
    desc = "details of the cursor line's commit",
    run = function()
      require('gitinspector.views.commit').open()
    end,
  },
  toggle = {
    desc = 'current-line blame on/off',
    attached = false,
    run = function()
      local on = require('gitinspector.blame').toggle()
      util.notify('current-line blame ' .. (on and 'on' or 'off'))
    end,
  },
  analyze = {
    desc = 'analyze the workspace (progress in the LSP progress messages)',
    run = function()
      M.analyze()
    end,
  },
  report = {
    desc = "the engine's report of the repository: report [path|html|excel|markdown|csv]",
    complete = function(arglead)
      return require('gitinspector.report').complete(arglead)
    end,
    run = function(args)
      require('gitinspector.report').write(nil, args[1])
    end,
  },
}

function M.run(opts)
  local args = vim.deepcopy(opts.fargs)
  local name = table.remove(args, 1) or 'blame'
  local sub = M.subcommands[name]
  if not sub then
    util.notify('unknown subcommand: ' .. name, vim.log.levels.ERROR)
    return
  end
  if sub.attached ~= false and not need_client(vim.api.nvim_get_current_buf()) then
    return
  end
  sub.run(args)
end

function M.complete(arglead, cmdline, _)
  local words = vim.split(cmdline:gsub('^%s*%S+%s*', ''), '%s+', { trimempty = false })
  if #words <= 1 then
    local names = vim.tbl_keys(M.subcommands)
    table.sort(names)
    return vim.tbl_filter(function(n)
      return vim.startswith(n, arglead)
    end, names)
  end
  local sub = M.subcommands[words[1]]
  if not sub or not sub.complete or #words > 2 then
    return {}
  end
  if type(sub.complete) == 'function' then
    return sub.complete(arglead)
  end
  if sub.complete == 'file' then
    return vim.fn.getcompletion(arglead, 'file')
  end
  return vim.tbl_filter(function(n)
    return vim.startswith(n, arglead)
  end, sub.complete)
end

function M.create()
  vim.api.nvim_create_user_command('GitInspector', M.run, {
    nargs = '*',
    complete = M.complete,
    desc = 'gitinspector: blame | authors [file] | commit | toggle | analyze | report [path|format]',
  })
end

return M
