-- :checkhealth gitinspector
local client = require('gitinspector.client')
local config = require('gitinspector.config')

local M = {}

local health = vim.health

local function run(cmd, timeout)
  local ok, obj = pcall(function()
    return vim.system(cmd, { text = true }):wait(timeout or 5000)
  end)
  if not ok then
    return nil, tostring(obj)
  end
  if obj.code ~= 0 then
    return nil, vim.trim((obj.stderr or '') .. ' (exit ' .. tostring(obj.code) .. ')')
  end
  return vim.trim(obj.stdout or '')
end

--- The buffer :checkhealth was run from (the health buffer is current by now).
local function source_buffer()
  for _, b in ipairs({ vim.fn.bufnr('#'), client.last_buf }) do
    if b and b > 0 and vim.api.nvim_buf_is_valid(b) and client.root(b) then
      return b
    end
  end
end

--- Speaks a minimal LSP session with a fresh daemon: initialize, the request, shutdown.
local function request_spawned(binary, method, timeout)
  local done, result, err = false, nil, nil
  local rpc = vim.lsp.rpc.start({ binary }, {
    notification = function() end,
    server_request = function()
      return nil, nil
    end,
    on_exit = function()
      if not done then
        done, err = true, 'the daemon exited'
      end
    end,
    on_error = function(code)
      if not done then
        done, err = true, 'rpc error ' .. tostring(code)
      end
    end,
  })
  rpc.request('initialize', {
    processId = vim.fn.getpid(),
    rootUri = vim.NIL,
    capabilities = vim.empty_dict(),
    initializationOptions = config.init_options(),
  }, function(ierr)
    if ierr then
      done, err = true, ierr.message
      return
    end
    rpc.notify('initialized', vim.empty_dict())
    rpc.request(method, vim.empty_dict(), function(rerr, res)
      done, result, err = true, res, rerr and rerr.message
    end)
  end)
  vim.wait(timeout, function()
    return done
  end, 20)
  pcall(rpc.request, 'shutdown', vim.NIL, function()
    pcall(rpc.notify, 'exit', vim.NIL)
  end)
  vim.defer_fn(function()
    pcall(rpc.terminate)
  end, 500)
  if not done then
    return nil, 'no answer within ' .. timeout .. ' ms'
  end
  return result, err
end

--- The commands the plugin runs (workspace/executeCommand): a daemon that lacks one is older
--- than the plugin.
M.commands = {
  'gitinspector.fileAuthors',
  'gitinspector.repositoryAuthors',
  'gitinspector.showCommit',
  'gitinspector.blamePrior',
  'gitinspector.lineHistory',
  'gitinspector.fileHistory',
  'gitinspector.analyzeWorkspace',
}

--- How to (re)build the daemon, as exact commands: in this checkout (scripts/setup.sh), with
--- lazy.nvim, or installed on PATH (scripts/install.sh).
local function build_advice()
  local build = require('gitinspector.build')
  local root = build.root()
  local advice = {}
  if vim.uv.fs_stat(root .. '/scripts/setup.sh') then
    advice[#advice + 1] = string.format(
      'Build it in the checkout this plugin is in (needs cargo and python3): '
        .. '`:GitInspector build`, or in a terminal `%s`',
      build.command_line(root)
    )
    if package.loaded['lazy'] then
      advice[#advice + 1] = 'With lazy.nvim: `:Lazy build gitinspector.nvim`'
    end
    advice[#advice + 1] = string.format(
      'Or install it on PATH: `bash %s` (puts it in ~/.local/bin)',
      vim.fn.shellescape(root .. '/scripts/install.sh')
    )
  else
    advice[#advice + 1] = 'Install gitinspector-lsp on PATH'
  end
  advice[#advice + 1] =
    "Or name it: `require('gitinspector').setup({ binary = '/path/to/gitinspector-lsp' })`"
  return advice
end

function M.check()
  local timeout = config.options.timeout or 10000
  health.start('gitinspector: setup')
  if vim.fn.has('nvim-0.10') == 1 then
    health.ok('Neovim ' .. tostring(vim.version()))
  else
    health.error('Neovim 0.10 or newer is required', { 'Update Neovim (`nvim --version`)' })
  end
  if vim.fn.exists(':GitInspector') == 2 then
    health.ok('setup() was called (:GitInspector exists)')
  else
    health.error('setup() was not called: nothing is started', {
      "Add `require('gitinspector').setup({})` to your init.lua (lazy.nvim: `opts = {}` in the spec)",
    })
  end
  local doc = vim.fn.fnamemodify(require('gitinspector.build').root(), ':p') .. 'editors/nvim/doc'
  if vim.uv.fs_stat(doc .. '/gitinspector.txt') and not vim.uv.fs_stat(doc .. '/tags') then
    health.warn('the help has no tags file: `:help gitinspector` fails', {
      string.format('`:helptags %s`', vim.fn.fnameescape(doc)),
    })
  end

  health.start('gitinspector: daemon')
  local binary, how = config.binary()
  if not binary then
    health.error(how, build_advice())
    return
  end
  local version, verr = run({ binary, '--version' })
  if version then
    health.ok(string.format('binary: %s (%s), version: %s', binary, how, version))
  else
    health.error(
      string.format('binary %s: `--version` failed: %s', binary, verr),
      vim.list_extend(
        { 'The binary links the libpython it was built with: rebuild it after a Python change' },
        build_advice()
      )
    )
  end

  health.start('gitinspector: engine')
  local buf = source_buffer()
  local attached = client.get(buf) or client.get()
  local report, err
  if attached then
    local target = client.get(buf) and buf or nil
    report, err = client.request_sync(target, 'gitinspector/healthCheck', vim.empty_dict(), timeout)
    if not report and not err then
      err = { message = 'empty answer' }
    end
    err = err and err.message
  else
    health.info('no daemon attached: starting one for the check')
    report, err = request_spawned(binary, 'gitinspector/healthCheck', timeout)
  end
  if not report then
    health.error('gitinspector/healthCheck failed: ' .. tostring(err), build_advice())
  elseif report.status == 'ok' then
    health.ok(
      string.format(
        'engine healthy: engine %s, Python %s, daemon %s',
        tostring(report.engine_version),
        tostring(report.python_version),
        tostring(report.daemon_version or '?')
      )
    )
  else
    local advice = vim.tbl_map(tostring, report.problems or {})
    vim.list_extend(advice, build_advice())
    health.error('engine status: ' .. tostring(report.status), advice)
  end
  if attached then
    local provider = (attached.server_capabilities or {}).executeCommandProvider or {}
    local has = {}
    for _, c in ipairs(provider.commands or {}) do
      has[c] = true
    end
    local missing = vim.tbl_filter(function(c)
      return not has[c]
    end, M.commands)
    if #missing == 0 then
      health.ok('the daemon has every command the plugin uses')
    else
      health.warn(
        'the daemon is older than the plugin, it lacks: ' .. table.concat(missing, ', '),
        vim.list_extend({ 'Rebuild it, then restart Neovim:' }, build_advice())
      )
    end
  end

  health.start('gitinspector: git')
  local git, gerr = run({ 'git', '--version' })
  if git then
    health.ok(git)
  else
    health.error('git not usable: ' .. tostring(gerr), {
      'Install git and put it on PATH (Debian/Ubuntu: `sudo apt-get install git`;'
        .. ' macOS: `xcode-select --install`)',
    })
  end
  if buf then
    local root = client.root(buf)
    local name = vim.api.nvim_buf_get_name(buf)
    health.ok(
      string.format('buffer %s is in repository %s', vim.fn.fnamemodify(name, ':~:.'), root)
    )
    if client.get(buf) then
      health.ok('the daemon is attached to this buffer')
    else
      health.warn('the daemon is not attached to this buffer', {
        "Attach it: `:lua require('gitinspector').attach()`",
        'If that fails, `:LspLog` shows why the daemon did not start',
      })
    end
  else
    health.info('the current buffer is not inside a git repository')
  end
end

return M
