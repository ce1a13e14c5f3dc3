-- Builds the daemon in the gitinspector-lsp checkout this plugin lives in (it is that
-- checkout's editors/nvim): `bash scripts/setup.sh` makes .venv (the engine's Python
-- dependencies) and target/release/gitinspector-lsp, which the plugin then finds by itself.
-- It needs cargo (Rust) and python3 with venv.
--
-- lazy.nvim runs it as the spec's build step (editors/nvim/build.lua calls M.run), inside a
-- coroutine: it then yields progress messages, as lazy.nvim's build functions may, and does
-- not block the editor. Called anywhere else (`:GitInspector build`, `:lua
-- require('gitinspector.build').run()`) it waits for the build.
--
-- Self-contained (it requires no other module of the plugin): lazy.nvim may run a build
-- before the plugin is on 'runtimepath'.
local M = {}

--- The checkout's root: this file is <root>/editors/nvim/lua/gitinspector/build.lua.
function M.root()
  local source = debug.getinfo(1, 'S').source:gsub('^@', '')
  return vim.fn.fnamemodify(vim.fn.fnamemodify(source, ':p'), ':h:h:h:h:h')
end

--- The shell command that builds, as a person would type it.
function M.command_line(root)
  return 'bash ' .. vim.fn.shellescape((root or M.root()) .. '/scripts/setup.sh')
end

--- The binary the build makes.
function M.binary(root)
  return (root or M.root()) .. '/target/release/gitinspector-lsp'
end

--- Can the caller yield (a coroutine that is not the main one)?
local function yieldable()
  local co, main = coroutine.running()
  if not co or main then
    return false
  end
  return coroutine.isyieldable == nil or coroutine.isyieldable()
end

--- Runs the build. opts: {root (default: this checkout), on_line = fn(line) for each line of
--- output}. Returns the binary's path and its `--version`; raises an error that says what
--- failed and the command to run by hand.
function M.run(opts)
  opts = opts or {}
  local root = opts.root or M.root()
  local script = root .. '/scripts/setup.sh'
  if not vim.uv.fs_stat(script) then
    error(
      string.format(
        'gitinspector: %s is missing: this plugin is not inside a gitinspector-lsp checkout'
          .. ' (install the daemon another way and set `binary`)',
        script
      ),
      0
    )
  end
  local output, last, done, result = {}, '', false, nil
  local partial = ''
  local function on_output(_, data)
    if not data then
      return
    end
    partial = partial .. data
    while true do
      local nl = partial:find('\n', 1, true)
      if not nl then
        break
      end
      local line = partial:sub(1, nl - 1):gsub('\r$', '')
      partial = partial:sub(nl + 1)
      output[#output + 1] = line
      if line:match('%S') then
        last = line
      end
      if opts.on_line then
        vim.schedule(function()
          opts.on_line(line)
        end)
      end
    end
  end
  local proc = vim.system({ 'bash', script }, {
    cwd = root,
    text = true,
    stdout = on_output,
    stderr = on_output,
  }, function(res)
    result = res
    done = true
  end)
  if yieldable() then
    -- lazy.nvim resumes a yielding build on its next tick; the message shows as the task's
    -- status.
    while not done do
      coroutine.yield({
        msg = 'building gitinspector-lsp' .. (last ~= '' and (': ' .. last) or ''),
        level = vim.log.levels.TRACE,
      })
    end
  else
    result = proc:wait()
  end
  if partial ~= '' then
    output[#output + 1] = partial
  end
  if result.code ~= 0 then
    local tail = vim.list_slice(output, math.max(1, #output - 19))
    error(
      string.format(
        'gitinspector: the build failed (exit %d). Run it in a terminal to see why:\n  %s\n%s',
        result.code,
        M.command_line(root),
        table.concat(tail, '\n')
      ),
      0
    )
  end
  local binary = M.binary(root)
  local version = vim.system({ binary, '--version' }, { text = true }):wait(10000)
  if version.code ~= 0 then
    error(
      string.format(
        'gitinspector: the build made %s, but `%s --version` fails: %s',
        binary,
        binary,
        vim.trim((version.stderr or '') .. (version.stdout or ''))
      ),
      0
    )
  end
  return binary, vim.trim(version.stdout or '')
end

--- Runs the build in a coroutine stepped by a timer, so the editor stays usable;
--- cb(ok, binary_or_error, version) when it ends. opts as M.run.
function M.run_async(opts, cb)
  local co = coroutine.create(function()
    return M.run(opts)
  end)
  local timer = assert(vim.uv.new_timer())
  local finished = false
  timer:start(
    0,
    200,
    vim.schedule_wrap(function()
      if finished then
        return
      end
      local ok, a, b = coroutine.resume(co)
      if coroutine.status(co) == 'dead' then
        finished = true
        timer:stop()
        timer:close()
        cb(ok, a, b)
      elseif ok and type(a) == 'table' and a.msg then
        vim.api.nvim_echo({ { '[gitinspector] ' .. a.msg:sub(1, vim.o.columns - 20) } }, false, {})
      end
    end)
  )
end

--- `:GitInspector build`: builds without blocking, then notifies how it went.
function M.run_notify(cb)
  vim.notify('[gitinspector] building the daemon: ' .. M.command_line() .. ' …')
  M.run_async({}, function(ok, binary, version)
    if ok then
      vim.notify(
        string.format('[gitinspector] built %s (%s); restart Neovim to use it', binary, version)
      )
    else
      vim.notify(tostring(binary), vim.log.levels.ERROR)
    end
    if cb then
      cb(ok, binary, version)
    end
  end)
end

return M
