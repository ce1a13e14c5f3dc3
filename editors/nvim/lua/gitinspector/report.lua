-- `:GitInspector report [path|format]`: the engine's report of the buffer's repository. The
-- daemon renders and writes it (`gitinspector/renderReport`, the one renderer of the CLI and
-- the editors); the plugin names the file, then opens it with vim.ui.open().
local client = require('gitinspector.client')
local config = require('gitinspector.config')
local util = require('gitinspector.util')

local M = {}

--- The formats a file is written in, by the engine's name: the extension of their file.
M.extensions = { html = '.html', excel = '.xlsx', markdown = '.md', csv = '.csv' }

--- File extension -> format.
local BY_EXTENSION = {
  html = 'html',
  htm = 'html',
  xlsx = 'excel',
  md = 'markdown',
  markdown = 'markdown',
  csv = 'csv',
}

--- The format of a `:GitInspector report` argument: nil or '' is html; a format's name
--- (`excel`) is that format; a path goes by its extension. Returns format, is_path; or nil,
--- an error message for an extension no format has.
function M.format_of(arg)
  if arg == nil or arg == '' then
    return 'html', false
  end
  if M.extensions[arg] then
    return arg, false
  end
  local ext = arg:match('%.([^./\\]+)$')
  local format = ext and BY_EXTENSION[ext:lower()]
  if not format then
    return nil,
      string.format(
        'report: cannot tell the format of %s: name a .html, .xlsx, .md or .csv file',
        arg
      )
  end
  return format, true
end

--- `gitinspector-<repositories>-<YYYY-MM-DD-HH-MM-SS><ext>` (local time), as VS Code names it.
function M.file_name(inputs, format, time)
  local names = {}
  for _, input in ipairs(inputs) do
    local name = vim.fs.basename((input:gsub('[/\\]+$', '')))
    if name ~= '' then
      names[#names + 1] = name
    end
  end
  local joined = #names > 0 and table.concat(names, '-') or 'workspace'
  joined = joined:gsub('[^%w._-]+', '_'):sub(1, 80)
  return string.format(
    'gitinspector-%s-%s%s',
    joined,
    os.date('%Y-%m-%d-%H-%M-%S', time),
    M.extensions[format]
  )
end

--- The repositories of the report: the `analysis` option's `input_fstrs` if it names any
--- (as `:GitInspector analyze`), else the buffer's repository.
function M.inputs(analysis, root)
  local given = type(analysis) == 'table' and analysis.input_fstrs or nil
  if type(given) == 'table' and #given > 0 then
    return vim.deepcopy(given)
  end
  return { root }
end

--- The params of gitinspector/renderReport: the `analysis` option (the engine's snake_case
--- settings) over the repositories, and the report options.
function M.params(analysis, root, format, output)
  local params = type(analysis) == 'table' and vim.deepcopy(analysis) or {}
  params.input_fstrs = M.inputs(analysis, root)
  params.format = format
  params.output = output
  return params
end

local token_seq = 0

--- Asks the buffer's daemon for the report; `arg` is a path or a format (nil: html in
--- report_dir). When the daemon has written it, the path is notified and the (first) file
--- opened with vim.ui.open(); `on_done(err, result)` is called after, if given.
function M.write(bufnr, arg, on_done)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  on_done = on_done or function() end
  local format, is_path = M.format_of(arg)
  if not format then
    local message = is_path --[[@as string]]
    util.notify(message, vim.log.levels.ERROR)
    on_done({ message = message }, nil)
    return
  end
  local c = client.get(bufnr)
  local root = (c and c.config.root_dir) or client.root(bufnr)
  if not root then
    local message = 'report: this buffer is not in a git repository'
    util.notify(message, vim.log.levels.ERROR)
    on_done({ message = message }, nil)
    return
  end
  local analysis = config.options.analysis
  local path
  if is_path then
    path = vim.fn.fnamemodify(vim.fn.expand(arg), ':p')
  else
    local dir = config.options.report_dir or (vim.fn.stdpath('cache') .. '/gitinspector')
    dir = vim.fn.fnamemodify(vim.fn.expand(dir), ':p')
    path = vim.fs.joinpath(dir, M.file_name(M.inputs(analysis, root), format, os.time()))
  end
  local params = M.params(analysis, root, format, path)
  token_seq = token_seq + 1
  params.workDoneToken = 'gitinspector.nvim/report/' .. token_seq
  util.notify(string.format('writing the %s report…', format))
  client.request(bufnr, 'gitinspector/renderReport', params, function(err, result)
    if err or type(result) ~= 'table' then
      util.notify('report: ' .. (err and err.message or 'no result'), vim.log.levels.ERROR)
      on_done(err or { message = 'no result' }, nil)
      return
    end
    for _, e in ipairs(result.errors or {}) do
      util.notify(
        string.format('report: not analyzed: %s: %s', e.path, e.error),
        vim.log.levels.WARN
      )
    end
    local files = result.files or {}
    if #files == 0 then
      util.notify('report: the daemon wrote no file', vim.log.levels.ERROR)
      on_done({ message = 'no file written' }, result)
      return
    end
    util.notify('report: ' .. table.concat(files, ', '))
    local _, open_err = vim.ui.open(files[1])
    if open_err then
      util.notify('report: cannot open ' .. files[1] .. ': ' .. open_err, vim.log.levels.WARN)
    end
    on_done(nil, result)
  end)
end

--- Completion of `:GitInspector report `: the format names, then files.
function M.complete(arglead)
  local out = {}
  for _, name in ipairs({ 'csv', 'excel', 'html', 'markdown' }) do
    if vim.startswith(name, arglead) then
      out[#out + 1] = name
    end
  end
  vim.list_extend(out, vim.fn.getcompletion(arglead, 'file'))
  return out
end

return M
