-- Starting the daemon (vim.lsp.start), attaching buffers, sending requests.
local config = require('gitinspector.config')
local util = require('gitinspector.util')

local M = {}

M.name = 'gitinspector'
--- Callbacks run when a buffer attaches: fun(client, bufnr).
M.on_attach_hooks = {}
--- Callbacks run when the server says blame changed (commit, checkout, …).
M.on_refresh_hooks = {}
--- The last file buffer entered that has the daemon attached (for :checkhealth).
M.last_buf = nil

local has_011 = vim.fn.has('nvim-0.11') == 1

--- Calls a client method in the form this Neovim wants (colon form on 0.11+).
local function call(client, method, ...)
  if has_011 then
    return client[method](client, ...)
  end
  return client[method](...)
end

--- The repository root of a buffer's file, or nil.
function M.root(bufnr)
  if vim.bo[bufnr].buftype ~= '' then
    return nil
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' or name:match('^%a[%w+.-]*://') then
    return nil
  end
  return vim.fs.root(bufnr, '.git')
end

local function run_hooks(hooks, ...)
  for _, hook in ipairs(hooks) do
    local ok, err = pcall(hook, ...)
    if not ok then
      util.notify(tostring(err), vim.log.levels.ERROR)
    end
  end
end

--- Wraps a default handler so blame caches drop when the server asks for a refresh.
local function refresh_handler(method)
  return function(err, result, ctx, cfg)
    -- Neovim 0.11 has no handler of its own for workspace/codeLens/refresh: the hooks
    -- drop the blame cache and refresh the lenses of the client's buffers.
    run_hooks(M.on_refresh_hooks, ctx.client_id, method)
    return vim.NIL
  end
end

--- Buffers attached to a client.
function M.buffers(client_id)
  local c = vim.lsp.get_client_by_id(client_id)
  if not c then
    return {}
  end
  local bufs = {}
  for buf in pairs(c.attached_buffers or {}) do
    if vim.api.nvim_buf_is_valid(buf) then
      bufs[#bufs + 1] = buf
    end
  end
  return bufs
end

local function interesting(path)
  local name = vim.fs.basename(path)
  return name == 'HEAD'
    or name == 'index'
    or name == 'packed-refs'
    or name == 'ORIG_HEAD'
    or path:find('/refs/heads/', 1, true) ~= nil
end

--- A change under a repository's git directory (watcher.lua).
local function on_git_change(root, changed)
  changed = vim.tbl_filter(interesting, changed)
  if #changed == 0 then
    return
  end
  for _, c in ipairs(vim.lsp.get_clients({ name = M.name })) do
    if c.config.root_dir == root then
      local changes = {}
      for _, path in ipairs(changed) do
        changes[#changes + 1] = { uri = vim.uri_from_fname(path), type = 2 }
      end
      call(c, 'notify', 'workspace/didChangeWatchedFiles', { changes = changes })
      -- If the daemon does not ask for a refresh (nothing changed for it), refresh anyway.
      local id = c.id
      vim.defer_fn(function()
        if vim.lsp.get_client_by_id(id) then
          run_hooks(M.on_refresh_hooks, id, 'git')
        end
      end, 300)
    end
  end
end

--- Starts (or reuses) the daemon for this buffer's repository and attaches it.
---@return integer|nil client_id
function M.start(bufnr)
  bufnr = bufnr or vim.api.nvim_get_current_buf()
  if not vim.api.nvim_buf_is_valid(bufnr) then
    return nil
  end
  local root = M.root(bufnr)
  if not root then
    return nil
  end
  local binary, how = config.binary()
  if not binary then
    if not M._warned then
      M._warned = true
      util.notify(how .. ' (see :checkhealth gitinspector)', vim.log.levels.WARN)
    end
    return nil
  end
  local cmd = { binary }
  vim.list_extend(cmd, config.options.args or {})
  local capabilities = vim.lsp.protocol.make_client_capabilities()
  capabilities.workspace = capabilities.workspace or {}
  capabilities.workspace.codeLens = { refreshSupport = true }
  require('gitinspector.watcher').watch(root, on_git_change)
  return vim.lsp.start({
    name = M.name,
    cmd = cmd,
    root_dir = root,
    workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fs.basename(root) } },
    init_options = config.init_options(),
    capabilities = capabilities,
    handlers = {
      ['workspace/codeLens/refresh'] = refresh_handler('workspace/codeLens/refresh'),
      ['workspace/inlayHint/refresh'] = refresh_handler('workspace/inlayHint/refresh'),
    },
    on_init = function(client)
      -- The plugin draws the lenses itself (lens.lua, lines above the code); hidden from
      -- Neovim, its own lens requests (vim.lsp.codelens.refresh) skip this client.
      client.server_capabilities.codeLensProvider = nil
    end,
    on_attach = function(client, buf)
      M.last_buf = buf
      run_hooks(M.on_attach_hooks, client, buf)
    end,
  }, { bufnr = bufnr })
end

--- The gitinspector client attached to a buffer (or any one when bufnr is nil).
function M.get(bufnr)
  local filter = { name = M.name }
  if bufnr then
    filter.bufnr = bufnr
  end
  return vim.lsp.get_clients(filter)[1]
end

--- The defaults of the daemon's settings that the buffer's daemon (or any one when bufnr is
--- nil) announced in its initialize result (`capabilities.experimental.gitinspector.defaults`),
--- or nil. The plugin has none of its own: see config.daemon_setting().
function M.defaults(bufnr)
  local c = M.get(bufnr)
  local node = c and c.server_capabilities
  for _, key in ipairs({ 'experimental', 'gitinspector', 'defaults' }) do
    node = type(node) == 'table' and node[key] or nil
  end
  return type(node) == 'table' and node or nil
end

--- Sends a request; cb(err, result). Returns false when no client is attached.
function M.request(bufnr, method, params, cb)
  local client = M.get(bufnr)
  if not client then
    cb({ message = 'gitinspector is not attached to this buffer' }, nil)
    return false
  end
  local ok = call(client, 'request', method, params, function(err, result)
    cb(err, result)
  end, bufnr)
  return ok
end

--- A synchronous request; returns result, err.
function M.request_sync(bufnr, method, params, timeout)
  local client = M.get(bufnr)
  if not client then
    return nil, { message = 'gitinspector is not attached' }
  end
  local resp, err = call(client, 'request_sync', method, params, timeout or 10000, bufnr)
  if not resp then
    return nil, { message = err or 'timeout' }
  end
  return resp.result, resp.error
end

local token_seq = 0

--- workspace/executeCommand with a progress token; cb(err, result).
function M.execute(bufnr, command, arguments, cb)
  token_seq = token_seq + 1
  return M.request(bufnr, 'workspace/executeCommand', {
    command = command,
    arguments = arguments,
    workDoneToken = 'gitinspector.nvim/' .. token_seq,
  }, cb)
end

--- The document URI of a buffer.
function M.uri(bufnr)
  return vim.uri_from_bufnr(bufnr)
end

--- Pushes the current options to running daemons.
function M.push_config()
  for _, client in ipairs(vim.lsp.get_clients({ name = M.name })) do
    call(client, 'notify', 'workspace/didChangeConfiguration', {
      settings = { gitinspector = config.init_options() },
    })
  end
end

return M
