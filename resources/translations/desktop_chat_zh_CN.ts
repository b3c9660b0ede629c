<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name></name>
    <message>
        <source>the model&apos;s maximum, {max} tokens</source>
        <translation>模型的上限：{max} 个 token</translation>
    </message>
    <message>
        <source>{kb} KB of memory per token</source>
        <translation>每个 token 占用 {kb} KB 内存</translation>
    </message>
    <message>
        <source>the model&apos;s maximum, {max} tokens ({share})</source>
        <translation>模型的上限：{max} 个 token（{share}）</translation>
    </message>
    <message>
        <source>{tokens} tokens, as llama.cpp reserves the whole cache at once ({share}; the model supports {max})</source>
        <translation>{tokens} 个 token，因为 llama.cpp 会一次性预留全部缓存（{share}；模型最多支持 {max}）</translation>
    </message>
    <message>
        <source>{tokens} tokens fit in half of the {free} GB free ({share}; the model supports {max})</source>
        <translation>{tokens} 个 token 可放入 {free} GB 空闲内存的一半（{share}；模型最多支持 {max}）</translation>
    </message>
    <message>
        <source>{tokens} tokens, as set in the settings (the model&apos;s maximum is {max})</source>
        <translation>{tokens} 个 token，按设置中的值（模型上限为 {max}）</translation>
    </message>
    <message>
        <source>{tokens} tokens, as set in the settings</source>
        <translation>{tokens} 个 token，按设置中的值</translation>
    </message>
    <message>
        <source>This conversation was saved by a newer version of Desktop Chat (format {found}, this version reads format {ours}). It is left untouched.</source>
        <translation>此对话由更新版本的 Desktop Chat 保存（格式 {found}，当前版本只能读取格式 {ours}）。文件保持原样，不会被修改。</translation>
    </message>
    <message>
        <source>This conversation has messages of a kind this version of Desktop Chat does not know ({kinds}); it is shown read-only and is never changed by this version. Messages with a role it does not know are not shown.</source>
        <translation>此对话包含当前版本的 Desktop Chat 无法识别的消息类型（{kinds}），因此以只读方式显示，当前版本不会修改它。角色无法识别的消息不会显示。</translation>
    </message>
    <message>
        <source>This conversation has messages of a kind this version of Desktop Chat does not know ({kinds}); it is shown read-only and is never changed by this version.</source>
        <translation>此对话包含当前版本的 Desktop Chat 无法识别的消息类型（{kinds}），因此以只读方式显示，当前版本不会修改它。</translation>
    </message>
    <message>
        <source>Thinks before it answers; small enough for any recent computer.</source>
        <translation>先思考再回答；体积小，近几年的电脑都能运行。</translation>
    </message>
    <message>
        <source>Thinks before it answers; better answers, needs more memory and time.</source>
        <translation>先思考再回答；回答质量更好，但需要更多内存和时间。</translation>
    </message>
    <message>
        <source>Answers at once, without thinking first; quick on any computer.</source>
        <translation>不经思考直接回答；在任何电脑上都很快。</translation>
    </message>
    <message>
        <source>Enter the server&apos;s address, e.g. http://localhost:8000.</source>
        <translation>请输入服务器地址，例如 http://localhost:8000。</translation>
    </message>
    <message>
        <source>“{url}” is not a server address (http://host:port).</source>
        <translation>“{url}”不是有效的服务器地址（格式为 http://主机:端口）。</translation>
    </message>
    <message>
        <source>“{url}” has a port that is not a number.</source>
        <translation>“{url}”中的端口不是数字。</translation>
    </message>
    <message>
        <source>The system keyring is not available ({error}); the API key is kept until Desktop Chat closes.</source>
        <translation>系统密钥存储不可用（{error}）；API 密钥只保留到 Desktop Chat 关闭为止。</translation>
    </message>
    <message>
        <source>{name} must be a whole number</source>
        <translation>{name}必须是整数</translation>
    </message>
    <message>
        <source>{name} must be a number</source>
        <translation>{name}必须是数字</translation>
    </message>
    <message>
        <source>{name} must be between {low} and {high} (got {value})</source>
        <translation>{name}必须介于 {low} 和 {high} 之间（当前为 {value}）</translation>
    </message>
    <message>
        <source>a number too large to show</source>
        <translation>一个大到无法显示的数</translation>
    </message>
    <message>
        <source>{name} must be one of {choices} (got {value})</source>
        <translation>{name}必须是 {choices} 之一（当前为 {value}）</translation>
    </message>
    <message>
        <source>{name} must be on or off</source>
        <translation>{name}只能是开或关</translation>
    </message>
    <message>
        <source>{name} was nested too deeply and was removed</source>
        <translation>{name} 嵌套过深，已被移除</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <source>Maximum reply length</source>
        <translation>最大回复长度</translation>
    </message>
    <message>
        <source>Repetition penalty</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <source>Sampling</source>
        <translation>采样</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>The system prompt must be text</source>
        <translation>系统提示词必须是文本</translation>
    </message>
    <message>
        <source>Thinking budget</source>
        <translation>思考预算</translation>
    </message>
    <message>
        <source>Context limit</source>
        <translation>上下文上限</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>Show reasoning</source>
        <translation>显示思考过程</translation>
    </message>
    <message>
        <source>Keep reasoning open</source>
        <translation>保持思考过程展开</translation>
    </message>
    <message>
        <source>The last model must be a path</source>
        <translation>上次使用的模型必须是路径</translation>
    </message>
    <message>
        <source>Recent models must be a list of paths</source>
        <translation>最近使用的模型必须是路径列表</translation>
    </message>
    <message>
        <source>Language must be text</source>
        <translation>语言必须是文本</translation>
    </message>
    <message>
        <source>Window geometry must be text</source>
        <translation>窗口位置必须是文本</translation>
    </message>
    <message>
        <source>The models folder must be a path</source>
        <translation>模型文件夹必须是路径</translation>
    </message>
    <message>
        <source>Answers to generate</source>
        <translation>生成的回答数</translation>
    </message>
    <message>
        <source>Fast copy choices must map model folders to on or off</source>
        <translation>快速副本的选择必须是模型文件夹到“开”或“关”的对应</translation>
    </message>
    <message>
        <source>Generation settings must be a group of values</source>
        <translation>生成设置必须是一组值</translation>
    </message>
    <message>
        <source>Generation settings must be a group of values (got {kind})</source>
        <translation>生成设置必须是一组值（当前为{kind}）</translation>
    </message>
    <message>
        <source>Recent models: 1 entry that was not a path removed</source>
        <translation>最近使用的模型：已移除 1 个不是路径的条目</translation>
    </message>
    <message>
        <source>Recent models: {n} entries that were not a path removed</source>
        <translation>最近使用的模型：已移除 {n} 个不是路径的条目</translation>
    </message>
    <message>
        <source>a number</source>
        <translation>数字</translation>
    </message>
    <message>
        <source>a group of values</source>
        <translation>一组值</translation>
    </message>
    <message>
        <source>text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>a list</source>
        <translation>列表</translation>
    </message>
    <message>
        <source>Settings could not be read ({error}); using the defaults.</source>
        <translation>无法读取设置（{error}），将使用默认设置。</translation>
    </message>
    <message>
        <source>The settings file was damaged ({error}) and the defaults are used. It could not be moved aside ({why}).</source>
        <translation>设置文件已损坏（{error}），将使用默认设置。无法将该文件移到一旁（{why}）。</translation>
    </message>
    <message>
        <source>The settings file was damaged ({error}) and the defaults are used. The damaged file was kept as {name}.</source>
        <translation>设置文件已损坏（{error}），将使用默认设置。损坏的文件已另存为 {name}。</translation>
    </message>
    <message>
        <source>Some settings in the file could not be used and were reset: {problems}.</source>
        <translation>设置文件中的部分设置无法使用，已重置：{problems}。</translation>
    </message>
    <message>
        <source>The file was left as it is (no copy of it could be made: {why}).</source>
        <translation>该文件保持原样（无法为其创建副本：{why}）。</translation>
    </message>
    <message>
        <source>The original file was kept as {name}.</source>
        <translation>原文件已另存为 {name}。</translation>
    </message>
    <message>
        <source>Settings could not be saved to {folder} ({why}). Changes apply until the app is closed.</source>
        <translation>无法将设置保存到 {folder}（{why}）。更改仅在本次运行期间有效。</translation>
    </message>
    <message>
        <source>The conversation file {name} could not be read ({reason}), nor moved aside ({why}); it was left as it is and nothing was overwritten.</source>
        <translation>无法读取对话文件 {name}（{reason}），也无法将其移到一旁（{why}）；它保持原样，没有覆盖任何内容。</translation>
    </message>
    <message>
        <source>The conversation file {name} could not be read ({reason}). It was moved to {path} and nothing was overwritten.</source>
        <translation>无法读取对话文件 {name}（{reason}）。该文件已移至 {path}，没有覆盖任何内容。</translation>
    </message>
    <message>
        <source>The conversation file {name} could not be opened ({why}); it is not listed and was left as it is.</source>
        <translation>无法打开对话文件 {name}（{why}）；它未列出，并保持原样。</translation>
    </message>
    <message>
        <source>Another window kept this conversation busy; try again.</source>
        <translation>另一个窗口正在使用此对话，请重试。</translation>
    </message>
    <message>
        <source>Not a valid conversation id: {id}</source>
        <translation>无效的对话 ID：{id}</translation>
    </message>
    <message>
        <source>The conversation could not be opened from {path}: {why}</source>
        <translation>无法从 {path} 打开对话：{why}</translation>
    </message>
    <message>
        <source>The conversation could not be saved to {path}: {why}</source>
        <translation>无法将对话保存到 {path}：{why}</translation>
    </message>
    <message>
        <source>The deleted conversation {id} could not be read.</source>
        <translation>无法读取已删除的对话 {id}。</translation>
    </message>
    <message>
        <source>The saved file of this conversation could not be read ({reason}); it was moved to {path} and your version was saved.</source>
        <translation>无法读取此对话已保存的文件（{reason}）；该文件已移至 {path}，并已保存你当前的版本。</translation>
    </message>
    <message>
        <source>The conversation {id} no longer exists.</source>
        <translation>对话 {id} 已不存在。</translation>
    </message>
    <message>
        <source>Loading was cancelled.</source>
        <translation>已取消加载。</translation>
    </message>
    <message>
        <source>“{name}” is not a readable GGUF file (it may be damaged or incomplete).</source>
        <translation>“{name}”不是可读取的 GGUF 文件（可能已损坏或不完整）。</translation>
    </message>
    <message>
        <source>Loading weights</source>
        <translation>正在加载权重</translation>
    </message>
    <message>
        <source>llama.cpp could not load this GGUF file (it may be damaged, or of an architecture this version does not know).</source>
        <translation>llama.cpp 无法加载此 GGUF 文件（文件可能已损坏，或其架构不受当前版本支持）。</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>This model has no chat template; a plain “User: / Assistant:” format is used, and answers may be weaker.</source>
        <translation>此模型没有对话模板，将使用简单的“User: / Assistant:”格式，回答质量可能会下降。</translation>
    </message>
    <message>
        <source>llama.cpp runs GGUF files as they are ({type})</source>
        <translation>llama.cpp 直接运行 GGUF 文件（{type}）</translation>
    </message>
    <message>
        <source>The prompt could not be built: {error}</source>
        <translation>无法构建提示词：{error}</translation>
    </message>
    <message>
        <source>The model stopped with an error: {error}</source>
        <translation>模型出错停止：{error}</translation>
    </message>
    <message>
        <source>CPU ({n} threads)</source>
        <translation>CPU（{n} 线程）</translation>
    </message>
    <message>
        <source>Apple GPU (Metal)</source>
        <translation>Apple GPU（Metal）</translation>
    </message>
    <message>
        <source>GPU (llama.cpp)</source>
        <translation>GPU（llama.cpp）</translation>
    </message>
    <message>
        <source>“{path}” does not exist.</source>
        <translation>“{path}”不存在。</translation>
    </message>
    <message>
        <source>“{name}” is a file. Choose the model&apos;s folder (the one holding config.json), or a .gguf file.</source>
        <translation>“{name}”是一个文件。请选择模型文件夹（包含 config.json 的那个），或一个 .gguf 文件。</translation>
    </message>
    <message>
        <source>“{path}” is not a folder.</source>
        <translation>“{path}”不是文件夹。</translation>
    </message>
    <message>
        <source>“{name}” holds several .gguf files; choose the one you want to open.</source>
        <translation>“{name}”中有多个 .gguf 文件，请选择要打开的那一个。</translation>
    </message>
    <message>
        <source>“{name}” is not a model folder: it has no config.json.</source>
        <translation>“{name}”不是模型文件夹：其中没有 config.json。</translation>
    </message>
    <message>
        <source>A Hugging Face model folder holds config.json, tokenizer files and weights (*.safetensors). Download every file of the model into one folder.</source>
        <translation>Hugging Face 模型文件夹包含 config.json、分词器文件和权重文件（*.safetensors）。请把模型的所有文件下载到同一个文件夹中。</translation>
    </message>
    <message>
        <source>“{name}” could not be read.</source>
        <translation>无法读取“{name}”。</translation>
    </message>
    <message>
        <source>“{name}” is not a GGUF file, or it is damaged.</source>
        <translation>“{name}”不是 GGUF 文件，或者已损坏。</translation>
    </message>
    <message>
        <source>The message is too long for the model&apos;s context: the prompt needs {needed} tokens, and {available} of the {limit} are available with room for the reply. Shorten the message or the system prompt, or raise the context limit in the settings.</source>
        <translation>消息太长，超出了模型的上下文：提示词需要 {needed} 个 token，而在为回复留出空间后，{limit} 个中只有 {available} 个可用。请缩短消息或系统提示词，或在设置中调高上下文上限。</translation>
    </message>
    <message>
        <source>llama-cpp-python is not installed, so this GGUF file runs through transformers: its weights are dequantized (more memory, slower). Install it with pip install &quot;desktop-chat[llama-cpp]&quot; for the fast engine.</source>
        <translation>未安装 llama-cpp-python，因此此 GGUF 文件将通过 transformers 运行：其权重会被反量化（占用更多内存，速度更慢）。运行 pip install &quot;desktop-chat[llama-cpp]&quot; 安装后即可使用更快的引擎。</translation>
    </message>
    <message>
        <source>Connecting to the server</source>
        <translation>正在连接服务器</translation>
    </message>
    <message>
        <source>The server does not offer the model “{model}”.</source>
        <translation>服务器未提供模型“{model}”。</translation>
    </message>
    <message>
        <source>It offers: {models}</source>
        <translation>服务器提供的模型：{models}</translation>
    </message>
    <message>
        <source>The server lists no models. Type the name of the model to use in Connect to Server….</source>
        <translation>服务器没有列出任何模型。请在“连接到服务器…”中输入要使用的模型名称。</translation>
    </message>
    <message>
        <source>an OpenAI-compatible server at {url}</source>
        <translation>位于 {url} 的 OpenAI 兼容服务器</translation>
    </message>
    <message>
        <source>The server&apos;s reply could not be read: {error}</source>
        <translation>无法读取服务器的回复：{error}</translation>
    </message>
    <message>
        <source>The server ended the reply without sending anything. The prompt may be longer than the server&apos;s context.</source>
        <translation>服务器未发送任何内容就结束了回复。提示词可能超出了服务器的上下文长度。</translation>
    </message>
    <message>
        <source>The connection to {host} was lost in the middle of the reply. What arrived is kept.</source>
        <translation>回复过程中与 {host} 的连接中断。已收到的内容已保留。</translation>
    </message>
    <message>
        <source>The server at {host} did not answer in time.</source>
        <translation>{host} 上的服务器未能及时响应。</translation>
    </message>
    <message>
        <source>The server asks for an API key (401). DESKTOP_CHAT_API_KEY is sent only over https or to this computer, and {host} uses plain http: enter the key for this server in Connect to Server….</source>
        <translation>服务器要求提供 API 密钥（401）。DESKTOP_CHAT_API_KEY 只会通过 https 发送或发送到本机，而 {host} 使用的是明文 http：请在“连接到服务器…”中为此服务器输入密钥。</translation>
    </message>
    <message>
        <source>The server reported an error: {error}</source>
        <translation>服务器报告错误：{error}</translation>
    </message>
    <message>
        <source>Talking to the server failed: {error}</source>
        <translation>与服务器通信失败：{error}</translation>
    </message>
    <message>
        <source>The server name in “{host}” could not be found. Check the address, and your network connection.</source>
        <translation>找不到“{host}”中的服务器名称。请检查地址和网络连接。</translation>
    </message>
    <message>
        <source>Nothing answers at {host} (connection refused). Is the server running, on this address and port?</source>
        <translation>{host} 没有响应（连接被拒绝）。服务器是否已在此地址和端口上运行？</translation>
    </message>
    <message>
        <source>Could not connect to {host}.</source>
        <translation>无法连接到 {host}。</translation>
    </message>
    <message>
        <source>The server said: {message}</source>
        <translation>服务器返回：{message}</translation>
    </message>
    <message>
        <source>The server refused the API key (401). Enter a valid key in Connect to Server…, or set DESKTOP_CHAT_API_KEY.</source>
        <translation>服务器拒绝了 API 密钥（401）。请在“连接到服务器…”中输入有效的密钥，或设置环境变量 DESKTOP_CHAT_API_KEY。</translation>
    </message>
    <message>
        <source>The server does not allow this request (403).</source>
        <translation>服务器不允许此请求（403）。</translation>
    </message>
    <message>
        <source>The server at {host} does not know the model “{model}” (404). Choose one of the models it lists.</source>
        <translation>{host} 上的服务器没有模型“{model}”（404）。请从它列出的模型中选择一个。</translation>
    </message>
    <message>
        <source>The server at {host} does not know this request (404). Choose one of the models it lists.</source>
        <translation>{host} 上的服务器无法识别此请求（404）。请从它列出的模型中选择一个。</translation>
    </message>
    <message>
        <source>The server is busy or over its rate limit (429). Try again in a moment.</source>
        <translation>服务器繁忙或已达到速率限制（429）。请稍后重试。</translation>
    </message>
    <message>
        <source>The server had an internal error ({status}).</source>
        <translation>服务器内部错误（{status}）。</translation>
    </message>
    <message>
        <source>The server refused the request ({status}).</source>
        <translation>服务器拒绝了请求（{status}）。</translation>
    </message>
    <message>
        <source>{device} was detected</source>
        <translation>检测到{device}</translation>
    </message>
    <message>
        <source>The device {device} was chosen in the settings but is not available on this computer. Choose Automatic or CPU.</source>
        <translation>设置中选择了设备 {device}，但这台电脑上没有该设备。请选择“自动”或“CPU”。</translation>
    </message>
    <message>
        <source>{device} was chosen in the settings</source>
        <translation>设置中选择了{device}</translation>
    </message>
    <message>
        <source>{precision} was chosen in the settings</source>
        <translation>设置中选择了 {precision}</translation>
    </message>
    <message>
        <source>{precision} was chosen in the settings (float16 can overflow with {model} models)</source>
        <translation>设置中选择了 {precision}（{model} 模型使用 float16 可能会溢出）</translation>
    </message>
    <message>
        <source>{device_reason}; {precision_reason}</source>
        <translation>{device_reason}；{precision_reason}</translation>
    </message>
    <message>
        <source>int4 (torchao) runs on the CPU only. Choose the CPU as the device, or another precision.</source>
        <translation>int4（torchao）只能在 CPU 上运行。请将设备设为 CPU，或选择其他精度。</translation>
    </message>
    <message>
        <source>int4 precision is not available here: {why}</source>
        <translation>此处无法使用 int4 精度：{why}</translation>
    </message>
    <message>
        <source>int4 weight-only was chosen in the settings</source>
        <translation>设置中选择了 int4 仅权重量化</translation>
    </message>
    <message>
        <source>bfloat16: supported by this GPU</source>
        <translation>bfloat16：此 GPU 支持</translation>
    </message>
    <message>
        <source>float16: this GPU has no bfloat16</source>
        <translation>float16：此 GPU 不支持 bfloat16</translation>
    </message>
    <message>
        <source>float32: this GPU has no bfloat16 and {model} overflows float16</source>
        <translation>float32：此 GPU 不支持 bfloat16，而 {model} 使用 float16 会溢出</translation>
    </message>
    <message>
        <source>float32: this GPU has no bfloat16</source>
        <translation>float32：此 GPU 不支持 bfloat16</translation>
    </message>
    <message>
        <source>bfloat16: supported by Metal on macOS 14 and newer</source>
        <translation>bfloat16：macOS 14 及更高版本的 Metal 支持</translation>
    </message>
    <message>
        <source>float32: bfloat16 needs macOS 14 on Apple GPUs</source>
        <translation>float32：Apple GPU 需要 macOS 14 才支持 bfloat16</translation>
    </message>
    <message>
        <source>bfloat16: this processor computes it natively</source>
        <translation>bfloat16：此处理器原生支持</translation>
    </message>
    <message>
        <source>float32: this processor has no native bfloat16</source>
        <translation>float32：此处理器不原生支持 bfloat16</translation>
    </message>
    <message>
        <source>a CUDA GPU</source>
        <translation>CUDA GPU</translation>
    </message>
    <message>
        <source>the Apple GPU (Metal)</source>
        <translation>Apple GPU（Metal）</translation>
    </message>
    <message>
        <source>an Intel GPU</source>
        <translation>Intel GPU</translation>
    </message>
    <message>
        <source>the CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>Apple GPU ({machine})</source>
        <translation>Apple GPU（{machine}）</translation>
    </message>
    <message>
        <source>The model&apos;s config.json is damaged.</source>
        <translation>模型的 config.json 已损坏。</translation>
    </message>
    <message>
        <source>Opening .gguf files needs the &apos;gguf&apos; package.</source>
        <translation>打开 .gguf 文件需要安装 gguf 软件包。</translation>
    </message>
    <message>
        <source>This model runs Python code from its own folder (custom code). Allow that only for models from a source you trust.</source>
        <translation>此模型会运行其文件夹中的 Python 代码（自定义代码）。请仅对来源可信的模型允许此操作。</translation>
    </message>
    <message>
        <source>The installed transformers {version} does not know the architecture “{architecture}”.</source>
        <translation>已安装的 transformers {version} 不支持“{architecture}”架构。</translation>
    </message>
    <message>
        <source>Update Desktop Chat (or transformers), or choose another model.</source>
        <translation>请更新 Desktop Chat（或 transformers），或选择其他模型。</translation>
    </message>
    <message>
        <source>“{name}” is not a text-generation model ({kind}).</source>
        <translation>“{name}”不是文本生成模型（{kind}）。</translation>
    </message>
    <message>
        <source>Desktop Chat needs a causal language model (…ForCausalLM), the kind that continues text.</source>
        <translation>Desktop Chat 需要因果语言模型（…ForCausalLM），即能够续写文本的模型。</translation>
    </message>
    <message>
        <source>“{name}” has no tokenizer.</source>
        <translation>“{name}”没有分词器。</translation>
    </message>
    <message>
        <source>Expected one of {files} beside config.json.</source>
        <translation>config.json 旁边应有以下文件之一：{files}。</translation>
    </message>
    <message>
        <source>The model&apos;s tokenizer_config.json is damaged.</source>
        <translation>模型的 tokenizer_config.json 已损坏。</translation>
    </message>
    <message>
        <source>The weights index {name} is damaged.</source>
        <translation>权重索引 {name} 已损坏。</translation>
    </message>
    <message>
        <source>Weight files are missing from “{name}” (the download may be incomplete).</source>
        <translation>“{name}”中缺少权重文件（可能未下载完整）。</translation>
    </message>
    <message>
        <source>Missing: {files}</source>
        <translation>缺少：{files}</translation>
    </message>
    <message>
        <source>“{name}” has no weights.</source>
        <translation>“{name}”中没有权重文件。</translation>
    </message>
    <message>
        <source>Expected model.safetensors (or model-00001-of-000NN.safetensors, or pytorch_model.bin). Download every file of the model into the folder.</source>
        <translation>应有 model.safetensors（或 model-00001-of-000NN.safetensors，或 pytorch_model.bin）。请把模型的所有文件下载到该文件夹中。</translation>
    </message>
    <message>
        <source>The weights file “{name}” is truncated or damaged (the download may be incomplete). Download it again.</source>
        <translation>权重文件“{name}”不完整或已损坏（可能未下载完整）。请重新下载。</translation>
    </message>
    <message>
        <source>Reading the tokenizer</source>
        <translation>正在读取分词器</translation>
    </message>
    <message>
        <source>The model&apos;s tokenizer could not be read.</source>
        <translation>无法读取模型的分词器。</translation>
    </message>
    <message>
        <source>There is not enough memory on the {device} for this model in {precision}.</source>
        <translation>{device} 的内存不足，无法以 {precision} 精度加载此模型。</translation>
    </message>
    <message>
        <source>The model&apos;s weights could not be loaded.</source>
        <translation>无法加载模型权重。</translation>
    </message>
    <message>
        <source>transformers cannot read this GGUF file&apos;s tokenizer correctly: its special tokens land outside the model&apos;s vocabulary. Install llama-cpp-python, which runs GGUF files as they are (pip install &quot;desktop-chat[llama-cpp]&quot;), or open the model&apos;s Hugging Face folder instead.</source>
        <translation>transformers 无法正确读取此 GGUF 文件的分词器：其特殊 token 超出了模型的词表范围。请安装可直接运行 GGUF 文件的 llama-cpp-python（pip install &quot;desktop-chat[llama-cpp]&quot;），或改为打开该模型的 Hugging Face 文件夹。</translation>
    </message>
    <message>
        <source>There is not enough memory to quantize this model to int4.</source>
        <translation>内存不足，无法将此模型量化为 int4。</translation>
    </message>
    <message>
        <source>The model could not be quantized to int4: {error}</source>
        <translation>无法将模型量化为 int4：{error}</translation>
    </message>
    <message>
        <source>torchao is not installed or does not load ({error}).</source>
        <translation>torchao 未安装或无法加载（{error}）。</translation>
    </message>
    <message>
        <source>This PyTorch has no int4 CPU kernel.</source>
        <translation>当前的 PyTorch 没有 int4 CPU 内核。</translation>
    </message>
    <message>
        <source>The int4 CPU kernel gives wrong results on this machine.</source>
        <translation>int4 CPU 内核在这台电脑上计算结果不正确。</translation>
    </message>
    <message>
        <source>The int4 CPU kernel does not run on this machine ({error}).</source>
        <translation>int4 CPU 内核无法在这台电脑上运行（{error}）。</translation>
    </message>
    <message>
        <source>Saving the int4 weights for the next load</source>
        <translation>正在保存 int4 权重，以便下次加载</translation>
    </message>
    <message>
        <source>Quantizing to int4</source>
        <translation>正在量化为 int4</translation>
    </message>
    <message>
        <source>Reading the int4 weights</source>
        <translation>正在读取 int4 权重</translation>
    </message>
    <message>
        <source>The model could not be loaded: {error}</source>
        <translation>无法加载模型：{error}</translation>
    </message>
    <message>
        <source>{new} does not fit in memory while {open} is open. Close {open} and open {new}?</source>
        <translation>{open} 打开时，内存放不下 {new}。要关闭 {open} 并打开 {new} 吗？</translation>
    </message>
    <message>
        <source>No model is loaded yet.</source>
        <translation>尚未加载模型。</translation>
    </message>
    <message>
        <source>The models could not be listed: {error}</source>
        <translation>无法列出模型：{error}</translation>
    </message>
    <message>
        <source>The engine ended the reply without a result.</source>
        <translation>推理引擎未给出结果就结束了回复。</translation>
    </message>
    <message>
        <source>The inference engine could not start: {error}</source>
        <translation>推理引擎无法启动：{error}</translation>
    </message>
    <message>
        <source>It is not a file (a folder, a device or a pipe): nothing was read.</source>
        <translation>这不是一个文件（而是文件夹、设备或管道），未读取任何内容。</translation>
    </message>
    <message>
        <source>The file could not be read: {detail}</source>
        <translation>无法读取文件：{detail}</translation>
    </message>
    <message>
        <source>The archive holds no conversations.</source>
        <translation>压缩包中没有对话。</translation>
    </message>
    <message>
        <source>It would expand {ratio} times when unpacked, as only a damaged or malicious archive does; it was not unpacked.</source>
        <translation>解压后它会膨胀 {ratio} 倍，只有损坏或恶意的压缩包才会这样；因此没有解压。</translation>
    </message>
    <message>
        <source>This is not a JSON file ({detail}).</source>
        <translation>这不是 JSON 文件（{detail}）。</translation>
    </message>
    <message>
        <source>A conversation in it is larger than {limit}, the most an import reads for one conversation.</source>
        <translation>其中有一个对话大于 {limit}，超过了导入时单个对话可读取的上限。</translation>
    </message>
    <message>
        <source>Reading stopped after {count} items that could not be imported.</source>
        <translation>已有 {count} 项无法导入，已停止读取。</translation>
    </message>
    <message>
        <source>This is neither a Desktop Chat conversation nor a ChatGPT export.</source>
        <translation>这既不是 Desktop Chat 对话，也不是 ChatGPT 导出文件。</translation>
    </message>
    <message>
        <source>A newer version of Desktop Chat wrote this conversation (format {version}).</source>
        <translation>此对话由更新版本的 Desktop Chat 写入（格式 {version}）。</translation>
    </message>
    <message>
        <source>This is not a valid Desktop Chat conversation: {detail}</source>
        <translation>这不是有效的 Desktop Chat 对话：{detail}</translation>
    </message>
    <message>
        <source>It holds messages of a kind this version does not know ({kinds}).</source>
        <translation>其中包含当前版本无法识别的消息类型（{kinds}）。</translation>
    </message>
    <message>
        <source>This ChatGPT conversation could not be read: {detail}</source>
        <translation>无法读取此 ChatGPT 对话：{detail}</translation>
    </message>
    <message>
        <source>It is larger than {limit}, the most an import reads from one file.</source>
        <translation>它大于 {limit}，超过了导入时单个文件可读取的上限。</translation>
    </message>
    <message>
        <source>This is not a zip archive that can be read ({detail}).</source>
        <translation>这不是可读取的 zip 压缩包（{detail}）。</translation>
    </message>
    <message>
        <source>This model needs about {needed} GB of memory ({precision}, {context} tokens of context), but only {free} GB is free on the {device}.</source>
        <translation>此模型约需 {needed} GB 内存（{precision}，{context} 个 token 的上下文），但 {device} 上只有 {free} GB 可用。</translation>
    </message>
    <message>
        <source>Set a context limit of {tokens} tokens or less in the settings.</source>
        <translation>在设置中将上下文上限设为 {tokens} 个 token 或更少。</translation>
    </message>
    <message>
        <source>Choose int4 as the precision in the settings.</source>
        <translation>在设置中将精度设为 int4。</translation>
    </message>
    <message>
        <source>Open a quantized build of the model (a {type} GGUF file, run by llama.cpp).</source>
        <translation>打开该模型的量化版本（{type} GGUF 文件，由 llama.cpp 运行）。</translation>
    </message>
    <message>
        <source>Choose the CPU as the device in the settings (it needs about {needed} GB of system memory).</source>
        <translation>在设置中将设备设为 CPU（约需 {needed} GB 系统内存）。</translation>
    </message>
    <message>
        <source>Close other programs, or choose a smaller model.</source>
        <translation>请关闭其他程序，或选择更小的模型。</translation>
    </message>
    <message>
        <source>It is no longer on this disk.</source>
        <translation>它已不在此磁盘上。</translation>
    </message>
    <message>
        <source>Its files could not be read: {error}</source>
        <translation>无法读取其文件：{error}</translation>
    </message>
    <message>
        <source>A fast copy cannot be made of this model: llama.cpp&apos;s converter in this app does not know its architecture ({architecture}). It keeps running on transformers.</source>
        <translation>无法为此模型制作快速副本：本应用中 llama.cpp 的转换器不认识它的架构（{architecture}）。它将继续在 transformers 上运行。</translation>
    </message>
    <message>
        <source>{quantization} copy of {folder}</source>
        <translation>{folder} 的 {quantization} 副本</translation>
    </message>
    <message>
        <source>llama.cpp runs the fast copy of this folder ({quantization}, made once and kept in the cache); the folder itself is unchanged</source>
        <translation>llama.cpp 运行此文件夹的快速副本（{quantization}，只制作一次并保存在缓存中）；文件夹本身保持不变</translation>
    </message>
    <message>
        <source>A fast copy cannot be made of this model ({reason}). It keeps running on transformers.</source>
        <translation>无法为此模型制作快速副本（{reason}）。它将继续在 transformers 上运行。</translation>
    </message>
    <message>
        <source>The fast copy could not be made: {error}</source>
        <translation>无法制作快速副本：{error}</translation>
    </message>
</context>
<context>
    <name>AlternativesView</name>
    <message>
        <source>This engine writes one answer at a time: the {count} answers come one after another.</source>
        <translation>此引擎一次只能写一个回答：{count} 个回答将依次生成。</translation>
    </message>
    <message>
        <source>Writing {count} answers at once.</source>
        <translation>正在同时生成 {count} 个回答。</translation>
    </message>
</context>
<context>
    <name>AssistantMessageWidget</name>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy answer</source>
        <translation>复制回答</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>重新生成</translation>
    </message>
    <message>
        <source>Regenerate answer</source>
        <translation>重新生成回答</translation>
    </message>
    <message>
        <source>Generate answers</source>
        <translation>生成多个回答</translation>
    </message>
    <message>
        <source>Generate several answers</source>
        <translation>生成多个回答</translation>
    </message>
    <message>
        <source>Write several answers at once; they become versions of this answer.</source>
        <translation>同时生成多个回答，它们会成为此回答的不同版本。</translation>
    </message>
    <message>
        <source>Details…</source>
        <translation>详细信息…</translation>
    </message>
    <message>
        <source>Show the error&apos;s details</source>
        <translation>显示错误的详细信息</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>已停止</translation>
    </message>
    <message>
        <source>Cut off at the length limit</source>
        <translation>已达到长度上限，回答被截断</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Error: {message}</source>
        <translation>错误：{message}</translation>
    </message>
    <message>
        <source>1 token</source>
        <translation>1 个 token</translation>
    </message>
    <message>
        <source>{n} tokens</source>
        <translation>{n} 个 token</translation>
    </message>
    <message>
        <source>{rate:.1f} tokens/s</source>
        <translation>{rate:.1f} token/秒</translation>
    </message>
    <message>
        <source>Written by {model}</source>
        <translation>由 {model} 生成</translation>
    </message>
    <message>
        <source>The answer failed</source>
        <translation>回答失败</translation>
    </message>
</context>
<context>
    <name>ChatSession</name>
    <message>
        <source>{title} (fork)</source>
        <translation>{title}（分支）</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Send message</source>
        <translation>发送消息</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Stop generating</source>
        <translation>停止生成</translation>
    </message>
    <message>
        <source>The model&apos;s context holds {context} tokens; {reserve} of them are kept for the reply.</source>
        <translation>模型的上下文可容纳 {context} 个 token，其中 {reserve} 个留给回复。</translation>
    </message>
    <message>
        <source>This message takes {n} tokens: too long for the context ({limit} with room for the reply). Shorten it, or raise the context limit in the settings.</source>
        <translation>这条消息占用 {n} 个 token，超出了上下文（留出回复空间后为 {limit}）。请缩短消息，或在设置中调高上下文上限。</translation>
    </message>
    <message>
        <source>Message: 1 token</source>
        <translation>消息：1 个 token</translation>
    </message>
    <message>
        <source>Message: {n} tokens</source>
        <translation>消息：{n} 个 token</translation>
    </message>
    <message>
        <source>Context: {used} of {limit} tokens</source>
        <translation>上下文：{used} / {limit} 个 token</translation>
    </message>
    <message>
        <source>The oldest message will be left out to fit</source>
        <translation>将省略最早的 1 条消息以放入上下文</translation>
    </message>
    <message>
        <source>The {n} oldest messages will be left out to fit</source>
        <translation>将省略最早的 {n} 条消息以放入上下文</translation>
    </message>
</context>
<context>
    <name>ConsentDialog</name>
    <message>
        <source>Run the model&apos;s own code?</source>
        <translation>要运行模型自带的代码吗？</translation>
    </message>
    <message>
        <source>Close the open model?</source>
        <translation>要关闭当前打开的模型吗？</translation>
    </message>
</context>
<context>
    <name>ConversationBranches</name>
    <message>
        <source>An answer is still being written: stop it or wait for it, then send the edited message.</source>
        <translation>仍有回答正在生成：请先停止或等待它完成，再发送编辑后的消息。</translation>
    </message>
    <message>
        <source>Open a model first: the edited message needs an answer.</source>
        <translation>请先打开一个模型：编辑后的消息需要模型来回答。</translation>
    </message>
</context>
<context>
    <name>ConversationHeader</name>
    <message>
        <source>Conversation settings</source>
        <translation>对话设置</translation>
    </message>
    <message>
        <source>System prompt and sampling for this conversation only</source>
        <translation>仅用于此对话的系统提示词和采样设置</translation>
    </message>
    <message>
        <source>Conversation Settings (custom)…</source>
        <translation>对话设置（已自定义）…</translation>
    </message>
    <message>
        <source>Conversation Settings…</source>
        <translation>对话设置…</translation>
    </message>
</context>
<context>
    <name>ConversationListController</name>
    <message>
        <source>The copy could not be saved in {folder}: {why}</source>
        <translation>无法将副本保存到 {folder}：{why}</translation>
    </message>
    <message>
        <source>The conversation could not be deleted: {error}</source>
        <translation>无法删除对话：{error}</translation>
    </message>
    <message>
        <source>The conversation could not be restored: {error}</source>
        <translation>无法恢复对话：{error}</translation>
    </message>
</context>
<context>
    <name>ConversationSettingsDialog</name>
    <message>
        <source>Conversation Settings</source>
        <translation>对话设置</translation>
    </message>
    <message>
        <source>Settings for “{title}” only. Unticked values follow the global settings.</source>
        <translation>以下设置仅用于“{title}”。未勾选的项将沿用全局设置。</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <source>Top-k (0: off)</source>
        <translation>Top-k（0 为关闭）</translation>
    </message>
    <message>
        <source>Maximum reply length (tokens)</source>
        <translation>最大回复长度（token）</translation>
    </message>
    <message>
        <source>Repetition penalty</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <source>Use this conversation&apos;s {name}</source>
        <translation>此对话使用单独的{name}</translation>
    </message>
    <message>
        <source>Not used, out of range in the file: {reasons}. OK replaces them.</source>
        <translation>文件中的以下值超出范围，未被使用：{reasons}。点击“确定”将替换它们。</translation>
    </message>
</context>
<context>
    <name>ConversationView</name>
    <message>
        <source>Conversation</source>
        <translation>对话</translation>
    </message>
</context>
<context>
    <name>DownloadDialog</name>
    <message>
        <source>Get a Model</source>
        <translation>获取模型</translation>
    </message>
    <message>
        <source>Models come from Hugging Face ({endpoint}) and are kept in {folder}.</source>
        <translation>模型从 Hugging Face（{endpoint}）下载，保存在 {folder}。</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Quantized GGUF file, Q4_K_M (llama.cpp)</source>
        <translation>量化 GGUF 文件，Q4_K_M（llama.cpp）</translation>
    </message>
    <message>
        <source>Full weights, safetensors (transformers)</source>
        <translation>完整权重，safetensors（transformers）</translation>
    </message>
    <message>
        <source>Hugging Face repository id</source>
        <translation>Hugging Face 仓库 ID</translation>
    </message>
    <message>
        <source>Or any Hugging Face repository: owner/name</source>
        <translation>或任意 Hugging Face 仓库：所有者/名称</translation>
    </message>
    <message>
        <source>Hugging Face access token</source>
        <translation>Hugging Face 访问令牌</translation>
    </message>
    <message>
        <source>Use Token</source>
        <translation>使用令牌</translation>
    </message>
    <message>
        <source>Use this token and download</source>
        <translation>使用此令牌并下载</translation>
    </message>
    <message>
        <source>Download progress</source>
        <translation>下载进度</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续下载</translation>
    </message>
    <message>
        <source>Cancel Download</source>
        <translation>取消下载</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>No GPU was found: the GGUF build is recommended. llama.cpp runs it several times faster than full weights on the CPU, in half the memory.</source>
        <translation>未检测到 GPU：推荐使用 GGUF 版本。在 CPU 上，llama.cpp 运行它的速度是完整权重的数倍，内存占用只有一半。</translation>
    </message>
    <message>
        <source>A GPU was found ({device}): the full weights are recommended.</source>
        <translation>检测到 GPU（{device}）：推荐使用完整权重。</translation>
    </message>
    <message>
        <source>{title}: download {size}</source>
        <translation>{title}：下载 {size}</translation>
    </message>
    <message>
        <source>needs about {need} of memory</source>
        <translation>约需 {need} 内存</translation>
    </message>
    <message>
        <source>needs about {need}: more than is free</source>
        <translation>约需 {need}：超过了可用内存</translation>
    </message>
    <message>
        <source>Asking {endpoint} about {repo}…</source>
        <translation>正在向 {endpoint} 查询 {repo}…</translation>
    </message>
    <message>
        <source>{done} of {total}</source>
        <translation>{done} / {total}</translation>
    </message>
    <message>
        <source>{speed}/s</source>
        <translation>{speed}/秒</translation>
    </message>
    <message>
        <source>about {time} left</source>
        <translation>剩余约 {time}</translation>
    </message>
    <message>
        <source>Downloaded to {path}</source>
        <translation>已下载到 {path}</translation>
    </message>
    <message>
        <source>Paused. What has arrived is kept: Resume continues from there.</source>
        <translation>已暂停。已下载的部分会保留：点击“继续下载”可从中断处继续。</translation>
    </message>
    <message>
        <source>The token was refused for {repo}. Check that it can read this repository and that you accepted the model&apos;s terms on its page.</source>
        <translation>{repo} 拒绝了此令牌。请确认该令牌有权读取此仓库，并且你已在模型页面上同意其使用条款。</translation>
    </message>
    <message>
        <source>{repo} needs a Hugging Face access token: it is gated or private (or the name is wrong). Create a token at &lt;a href=&quot;{url}&quot;&gt;{url}&lt;/a&gt;; it is kept in the system keyring.</source>
        <translation>{repo} 需要 Hugging Face 访问令牌：它是受限或私有仓库（也可能是名称有误）。请在 &lt;a href=&quot;{url}&quot;&gt;{url}&lt;/a&gt; 创建令牌；令牌会保存在系统密钥存储中。</translation>
    </message>
    <message>
        <source>Hugging Face ({endpoint}) cannot be reached. Check the network connection, or set HF_ENDPOINT to a mirror.</source>
        <translation>无法连接 Hugging Face（{endpoint}）。请检查网络连接，或将 HF_ENDPOINT 设为镜像地址。</translation>
    </message>
    <message>
        <source>There is no model named “{repo}” on {endpoint}. A repository id looks like owner/name.</source>
        <translation>{endpoint} 上没有名为“{repo}”的模型。仓库 ID 的格式为 所有者/名称。</translation>
    </message>
    <message>
        <source>{repo} has neither safetensors weights nor a GGUF file that Desktop Chat can run.</source>
        <translation>{repo} 中既没有 safetensors 权重，也没有 Desktop Chat 能运行的 GGUF 文件。</translation>
    </message>
    <message>
        <source>There is not enough free disk space in {folder} for this model. Free some space or choose another models folder in Settings; what has arrived is kept.</source>
        <translation>{folder} 所在磁盘空间不足，无法存放此模型。请释放一些空间，或在设置中选择其他模型文件夹；已下载的部分会保留。</translation>
    </message>
    <message>
        <source>The models folder {folder} cannot be written: {detail}</source>
        <translation>无法写入模型文件夹 {folder}：{detail}</translation>
    </message>
    <message>
        <source>{detail} arrived damaged (its checksum does not match) and was deleted. Resume downloads it again.</source>
        <translation>{detail} 下载后已损坏（校验和不符），已被删除。点击“继续下载”会重新下载。</translation>
    </message>
    <message>
        <source>The connection was lost. What has arrived is kept: Resume continues from there.</source>
        <translation>连接已中断。已下载的部分会保留：点击“继续下载”可从中断处继续。</translation>
    </message>
    <message>
        <source>The download failed: {detail}</source>
        <translation>下载失败：{detail}</translation>
    </message>
    <message>
        <source>{n} s</source>
        <translation>{n} 秒</translation>
    </message>
    <message>
        <source>{n} min</source>
        <translation>{n} 分钟</translation>
    </message>
    <message>
        <source>{h} h {m} min</source>
        <translation>{h} 小时 {m} 分钟</translation>
    </message>
</context>
<context>
    <name>EmptyState</name>
    <message>
        <source>No model is open yet</source>
        <translation>尚未打开模型</translation>
    </message>
    <message>
        <source>Desktop Chat runs language models on this computer; nothing leaves it.&lt;br&gt;&lt;br&gt;Download a model folder, for example &lt;a href=&quot;{url}&quot;&gt;DeepSeek-R1-Distill-Qwen-1.5B&lt;/a&gt; from Hugging Face (all of its files in one folder) or a single .gguf file, then choose it here. A model on a server works too: anything that speaks the OpenAI API.</source>
        <translation>Desktop Chat 在这台电脑上运行语言模型，所有数据都不会离开本机。&lt;br&gt;&lt;br&gt;请先下载一个模型文件夹（例如 Hugging Face 上的 &lt;a href=&quot;{url}&quot;&gt;DeepSeek-R1-Distill-Qwen-1.5B&lt;/a&gt;，把它的所有文件放在同一个文件夹中）或单个 .gguf 文件，然后在这里选择它。也可以使用服务器上的模型：任何兼容 OpenAI API 的服务都可以。</translation>
    </message>
    <message>
        <source>Get a Model…</source>
        <translation>获取模型…</translation>
    </message>
    <message>
        <source>Get a model from Hugging Face</source>
        <translation>从 Hugging Face 获取模型</translation>
    </message>
    <message>
        <source>Open model folder…</source>
        <translation>打开模型文件夹…</translation>
    </message>
    <message>
        <source>Open model folder</source>
        <translation>打开模型文件夹</translation>
    </message>
    <message>
        <source>Open a GGUF file…</source>
        <translation>打开 GGUF 文件…</translation>
    </message>
    <message>
        <source>Open a GGUF file</source>
        <translation>打开 GGUF 文件</translation>
    </message>
    <message>
        <source>Connect to a server…</source>
        <translation>连接到服务器…</translation>
    </message>
    <message>
        <source>Connect to a server</source>
        <translation>连接到服务器</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export Conversation</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <source>Export format</source>
        <translation>导出格式</translation>
    </message>
    <message>
        <source>Markdown (the conversation shown)</source>
        <translation>Markdown（当前显示的对话）</translation>
    </message>
    <message>
        <source>JSON (everything, every version)</source>
        <translation>JSON（全部内容，包括所有版本）</translation>
    </message>
    <message>
        <source>PDF (the conversation shown)</source>
        <translation>PDF（当前显示的对话）</translation>
    </message>
    <message>
        <source>Include the thinking</source>
        <translation>包含思考过程</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Format:</source>
        <translation>格式：</translation>
    </message>
</context>
<context>
    <name>ExportImportDialogs</name>
    <message>
        <source>Open a conversation to export it.</source>
        <translation>请先打开要导出的对话。</translation>
    </message>
    <message>
        <source>Markdown (*.md)</source>
        <translation>Markdown（*.md）</translation>
    </message>
    <message>
        <source>JSON (*.json)</source>
        <translation>JSON（*.json）</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>PDF（*.pdf）</translation>
    </message>
    <message>
        <source>Export Conversation</source>
        <translation>导出对话</translation>
    </message>
    <message>
        <source>There are no conversations to export.</source>
        <translation>没有可导出的对话。</translation>
    </message>
    <message>
        <source>Desktop Chat conversations {date}.zip</source>
        <translation>Desktop Chat 对话 {date}.zip</translation>
    </message>
    <message>
        <source>Export All Conversations</source>
        <translation>导出所有对话</translation>
    </message>
    <message>
        <source>Zip archives (*.zip)</source>
        <translation>Zip 压缩包（*.zip）</translation>
    </message>
    <message>
        <source>Exporting conversations…</source>
        <translation>正在导出对话…</translation>
    </message>
    <message>
        <source>Export cancelled.</source>
        <translation>已取消导出。</translation>
    </message>
    <message>
        <source>The export could not be written: {error}</source>
        <translation>无法写入导出文件：{error}</translation>
    </message>
    <message>
        <source>Exported to {path}</source>
        <translation>已导出到 {path}</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n conversation(s) to {path}</source>
        <translation>
            <numerusform>已将 %n 个对话导出到 {path}</numerusform>
        </translation>
    </message>
    <message>
        <source>Import Conversations</source>
        <translation>导入对话</translation>
    </message>
    <message>
        <source>Conversations and ChatGPT exports (*.json *.zip);;All files (*)</source>
        <translation>对话和 ChatGPT 导出文件（*.json *.zip）;;所有文件（*）</translation>
    </message>
    <message>
        <source>Importing conversations…</source>
        <translation>正在导入对话…</translation>
    </message>
    <message>
        <source>Import cancelled.</source>
        <translation>已取消导入。</translation>
    </message>
    <message>
        <source>The import failed: {error}</source>
        <translation>导入失败：{error}</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message numerus="yes">
        <source>Imported %n conversation(s).</source>
        <translation>
            <numerusform>已导入 %n 个对话。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n of them had an id already in use and got a new one; nothing was overwritten.</source>
        <translation>
            <numerusform>其中 %n 个对话的 ID 已被占用，已为其分配新 ID；没有覆盖任何内容。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>…and %n more (see the details).</source>
        <translation>
            <numerusform>……还有 %n 个（见详细信息）。</numerusform>
        </translation>
    </message>
    <message>
        <source>These could not be imported:</source>
        <translation>以下内容无法导入：</translation>
    </message>
    <message>
        <source>User</source>
        <translation>用户</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>助手</translation>
    </message>
    <message>
        <source>System</source>
        <translation>系统</translation>
    </message>
    <message>
        <source>Thinking</source>
        <translation>思考过程</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <source>Untitled conversation</source>
        <translation>未命名对话</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>FastCopyDialog</name>
    <message>
        <source>A Faster Way to Run This Model</source>
        <translation>更快地运行此模型</translation>
    </message>
    <message>
        <source>On this computer llama.cpp runs “{name}” several times faster than it runs now. A copy of the model in llama.cpp&apos;s format is made once, in the background, and opened instead of the folder from then on. The folder itself is not changed, and you can keep chatting while the copy is made.</source>
        <translation>在这台电脑上，llama.cpp 运行“{name}”比现在快好几倍。模型会在后台复制一次为 llama.cpp 的格式，此后打开的是这个副本而不是文件夹。文件夹本身不会改变，制作副本期间您可以继续聊天。</translation>
    </message>
    <message>
        <source>Fast copy progress</source>
        <translation>快速副本进度</translation>
    </message>
    <message>
        <source>Make a fast copy ({quantization}, about {size}, about a minute)</source>
        <translation>制作快速副本（{quantization}，约 {size}，约 1 分钟）</translation>
    </message>
    <message>
        <source>Make a fast copy ({quantization}, about {size}, about {minutes} minutes)</source>
        <translation>制作快速副本（{quantization}，约 {size}，约 {minutes} 分钟）</translation>
    </message>
    <message>
        <source>Keep the Original</source>
        <translation>保留原始模型</translation>
    </message>
    <message>
        <source>Cancel the Copy</source>
        <translation>取消复制</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Making a fast copy of “{name}”…</source>
        <translation>正在制作“{name}”的快速副本…</translation>
    </message>
    <message>
        <source>The fast copy of “{name}” is ready; llama.cpp runs it now.</source>
        <translation>“{name}”的快速副本已就绪，现在由 llama.cpp 运行。</translation>
    </message>
    <message>
        <source>The fast copy was cancelled; nothing was kept. “{name}” keeps running as it is.</source>
        <translation>快速副本已取消，未保留任何文件。“{name}”继续按原样运行。</translation>
    </message>
</context>
<context>
    <name>FindBar</name>
    <message>
        <source>Find in conversation</source>
        <translation>在对话中查找</translation>
    </message>
    <message>
        <source>Previous match</source>
        <translation>上一个匹配项</translation>
    </message>
    <message>
        <source>Next match</source>
        <translation>下一个匹配项</translation>
    </message>
    <message>
        <source>Close find bar</source>
        <translation>关闭查找栏</translation>
    </message>
    <message>
        <source>No matches</source>
        <translation>无匹配项</translation>
    </message>
    <message>
        <source>{current} of {total}</source>
        <translation>第 {current} 个，共 {total} 个</translation>
    </message>
</context>
<context>
    <name>InstanceGuard</name>
    <message>
        <source>Cannot create the data folder {dir}: {error}</source>
        <translation>无法创建数据文件夹 {dir}：{error}</translation>
    </message>
    <message>
        <source>Cannot create the lock file {file} ({error}).</source>
        <translation>无法创建锁文件 {file}（{error}）。</translation>
    </message>
    <message>
        <source>Desktop Chat is already running with the data folder {dir} (process {pid}), but it does not respond. Close it (or end that process), then start again. The lock file is {file}.</source>
        <translation>Desktop Chat 已在使用数据文件夹 {dir} 运行（进程 {pid}），但没有响应。请关闭它（或结束该进程）后重新启动。锁文件为 {file}。</translation>
    </message>
</context>
<context>
    <name>LoadFailureDialog</name>
    <message>
        <source>The model could not be opened</source>
        <translation>无法打开模型</translation>
    </message>
    <message>
        <source>{name} is still open.</source>
        <translation>{name} 仍处于打开状态。</translation>
    </message>
    <message>
        <source>No model is open.</source>
        <translation>当前没有打开的模型。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>&amp;New Chat</source>
        <translation>新建对话(&amp;N)</translation>
    </message>
    <message>
        <source>&amp;Choose Model…</source>
        <translation>选择模型(&amp;C)…</translation>
    </message>
    <message>
        <source>&amp;Get a Model…</source>
        <translation>获取模型(&amp;G)…</translation>
    </message>
    <message>
        <source>Open Model &amp;Folder…</source>
        <translation>打开模型文件夹(&amp;F)…</translation>
    </message>
    <message>
        <source>Open &amp;GGUF File…</source>
        <translation>打开 GGUF 文件(&amp;G)…</translation>
    </message>
    <message>
        <source>Connect to &amp;Server…</source>
        <translation>连接到服务器(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Models…</source>
        <translation>模型库(&amp;M)…</translation>
    </message>
    <message>
        <source>Model &amp;Info</source>
        <translation>模型信息(&amp;I)</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Show &amp;Thinking</source>
        <translation>显示思考过程(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Find in Conversation</source>
        <translation>在对话中查找(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Search Conversations</source>
        <translation>搜索对话(&amp;S)</translation>
    </message>
    <message>
        <source>S&amp;top</source>
        <translation>停止(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Regenerate Answer</source>
        <translation>重新生成回答(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation>导入(&amp;I)…</translation>
    </message>
    <message>
        <source>&amp;Export Conversation…</source>
        <translation>导出对话(&amp;E)…</translation>
    </message>
    <message>
        <source>Export &amp;All Conversations…</source>
        <translation>导出所有对话(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Recent &amp;Models</source>
        <translation>最近使用的模型(&amp;M)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Chat</source>
        <translation>对话(&amp;C)</translation>
    </message>
    <message>
        <source>Conversation &amp;Settings…</source>
        <translation>对话设置(&amp;S)…</translation>
    </message>
    <message>
        <source>Rename conversation</source>
        <translation>重命名对话</translation>
    </message>
    <message>
        <source>Title:</source>
        <translation>标题：</translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <source>Open a model first.</source>
        <translation>请先打开一个模型。</translation>
    </message>
    <message>
        <source>All conversations are saved.</source>
        <translation>所有对话均已保存。</translation>
    </message>
    <message>
        <source>Save a copy in</source>
        <translation>选择副本的保存位置</translation>
    </message>
</context>
<context>
    <name>MarkdownRenderer</name>
    <message>
        <source>code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>image</source>
        <translation>图片</translation>
    </message>
</context>
<context>
    <name>MessageActions</name>
    <message>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <source>Edit message</source>
        <translation>编辑消息</translation>
    </message>
    <message>
        <source>Fork</source>
        <translation>分支</translation>
    </message>
    <message>
        <source>Fork from here into a new conversation</source>
        <translation>从这里分出一个新对话</translation>
    </message>
    <message>
        <source>Copy Selection</source>
        <translation>复制所选内容</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Fork from Here</source>
        <translation>从这里分支</translation>
    </message>
</context>
<context>
    <name>MessageEditInput</name>
    <message>
        <source>Edit message</source>
        <translation>编辑消息</translation>
    </message>
</context>
<context>
    <name>MessageEditor</name>
    <message>
        <source>Enter sends as a new version · Shift+Enter: new line · Esc: cancel</source>
        <translation>Enter：作为新版本发送 · Shift+Enter：换行 · Esc：取消</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cancel editing</source>
        <translation>取消编辑</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>发送</translation>
    </message>
    <message>
        <source>Send the edited message</source>
        <translation>发送编辑后的消息</translation>
    </message>
</context>
<context>
    <name>MessageInput</name>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Message the model… (Enter to send, Shift+Enter for a new line)</source>
        <translation>给模型发消息…（Enter 发送，Shift+Enter 换行）</translation>
    </message>
</context>
<context>
    <name>ModelDialogs</name>
    <message>
        <source>Open Model Folder</source>
        <translation>打开模型文件夹</translation>
    </message>
    <message>
        <source>Open GGUF Model File</source>
        <translation>打开 GGUF 模型文件</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF 模型（*.gguf）</translation>
    </message>
</context>
<context>
    <name>ModelInfoDialog</name>
    <message>
        <source>Model Info</source>
        <translation>模型信息</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>架构</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Engine</source>
        <translation>推理引擎</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Context length</source>
        <translation>上下文长度</translation>
    </message>
    <message>
        <source>{tokens} tokens</source>
        <translation>{tokens} 个 token</translation>
    </message>
    <message>
        <source>Memory used</source>
        <translation>内存占用</translation>
    </message>
    <message>
        <source>Generation defaults</source>
        <translation>默认生成参数</translation>
    </message>
    <message>
        <source>Path</source>
        <translation>路径</translation>
    </message>
    <message>
        <source>Chat template</source>
        <translation>对话模板</translation>
    </message>
    <message>
        <source>Show Chat Template</source>
        <translation>显示对话模板</translation>
    </message>
    <message>
        <source>Show chat template</source>
        <translation>显示对话模板</translation>
    </message>
    <message>
        <source>The server applies its own template</source>
        <translation>由服务器应用其自己的模板</translation>
    </message>
    <message>
        <source>This model has no chat template</source>
        <translation>此模型没有对话模板</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>on the server</source>
        <translation>在服务器上</translation>
    </message>
    <message>
        <source>{measured} measured at load ({held} for weights and cache)</source>
        <translation>加载时实测 {measured}（其中权重和缓存占 {held}）</translation>
    </message>
    <message>
        <source>none (the app&apos;s settings apply)</source>
        <translation>无（使用应用的设置）</translation>
    </message>
    <message>
        <source>Hide Chat Template</source>
        <translation>隐藏对话模板</translation>
    </message>
</context>
<context>
    <name>ModelPickerDialog</name>
    <message>
        <source>Choose a Model</source>
        <translation>选择模型</translation>
    </message>
    <message>
        <source>Models used before</source>
        <translation>用过的模型</translation>
    </message>
    <message>
        <source> · open now</source>
        <translation> · 当前已打开</translation>
    </message>
    <message>
        <source>No models yet: open a model folder, a GGUF file, or connect to a server.</source>
        <translation>还没有模型：请打开模型文件夹、GGUF 文件，或连接到服务器。</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Model Folder…</source>
        <translation>模型文件夹…</translation>
    </message>
    <message>
        <source>GGUF File…</source>
        <translation>GGUF 文件…</translation>
    </message>
    <message>
        <source>Server…</source>
        <translation>服务器…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Recent models</source>
        <translation>最近使用的模型</translation>
    </message>
    <message>
        <source> · needs about {needed} GB</source>
        <translation> · 约需 {needed} GB</translation>
    </message>
    <message>
        <source> · needs about {needed} GB: does not fit now</source>
        <translation> · 约需 {needed} GB：当前内存不足</translation>
    </message>
    <message>
        <source>Server · {url}</source>
        <translation>服务器 · {url}</translation>
    </message>
    <message>
        <source>GGUF file · llama.cpp</source>
        <translation>GGUF 文件 · llama.cpp</translation>
    </message>
    <message>
        <source>Model folder · transformers</source>
        <translation>模型文件夹 · transformers</translation>
    </message>
</context>
<context>
    <name>ModelsLibraryDialog</name>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Models on this computer</source>
        <translation>本机上的模型</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>参数量</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <source>Size on disk</source>
        <translation>占用磁盘</translation>
    </message>
    <message>
        <source>Memory needed</source>
        <translation>所需内存</translation>
    </message>
    <message>
        <source>Where</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Models folder: {folder}</source>
        <translation>模型文件夹：{folder}</translation>
    </message>
    <message>
        <source>No models yet. Get one from Hugging Face, or open a model folder or a GGUF file.</source>
        <translation>还没有模型。可以从 Hugging Face 获取，或打开模型文件夹或 GGUF 文件。</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>Remove Fast Copy</source>
        <translation>删除快速副本</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Models folder</source>
        <translation>模型文件夹</translation>
    </message>
    <message>
        <source>Recent</source>
        <translation>最近使用</translation>
    </message>
    <message>
        <source> (open)</source>
        <translation>（已打开）</translation>
    </message>
    <message>
        <source>{needed} (does not fit)</source>
        <translation>{needed}（内存不足）</translation>
    </message>
    <message>
        <source>The fast copy of {name} was removed; the folder opens as it is.</source>
        <translation>{name} 的快速副本已删除；文件夹将按原样打开。</translation>
    </message>
    <message>
        <source>{name} is open. Open another model before deleting it.</source>
        <translation>{name} 正在使用中。请先打开其他模型，再删除它。</translation>
    </message>
    <message>
        <source>Delete model?</source>
        <translation>要删除模型吗？</translation>
    </message>
    <message>
        <source>Move {name} to the trash?</source>
        <translation>要将 {name} 移到回收站吗？</translation>
    </message>
    <message>
        <source>{path}
{size} on disk</source>
        <translation>{path}
占用磁盘 {size}</translation>
    </message>
    <message>
        <source>{name} could not be moved to the trash (it may be read-only, or this system has no trash).</source>
        <translation>无法将 {name} 移到回收站（它可能是只读的，或者此系统没有回收站）。</translation>
    </message>
    <message>
        <source>{name} was moved to the trash.</source>
        <translation>{name} 已移到回收站。</translation>
    </message>
</context>
<context>
    <name>NoticeBar</name>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Try saving again</source>
        <translation>重新尝试保存</translation>
    </message>
    <message>
        <source>Close this notice</source>
        <translation>关闭此通知</translation>
    </message>
</context>
<context>
    <name>SaveProblems</name>
    <message>
        <source>the disk is full</source>
        <translation>磁盘已满</translation>
    </message>
    <message>
        <source>when there is space again</source>
        <translation>待磁盘有空间后</translation>
    </message>
    <message>
        <source>the folder is read-only</source>
        <translation>文件夹为只读</translation>
    </message>
    <message>
        <source>when the folder can be written again</source>
        <translation>待文件夹可写入后</translation>
    </message>
    <message>
        <source>permission was denied</source>
        <translation>权限被拒绝</translation>
    </message>
    <message>
        <source>the disk refused</source>
        <translation>磁盘拒绝写入</translation>
    </message>
    <message>
        <source>when the disk allows it</source>
        <translation>待磁盘允许写入后</translation>
    </message>
    <message>
        <source>Cannot save conversations: {what} ({folder}). Your messages are kept in this window and will be saved {until}.</source>
        <translation>无法保存对话：{what}（{folder}）。你的消息仍保留在此窗口中，{until}会自动保存。</translation>
    </message>
</context>
<context>
    <name>ServerDialog</name>
    <message>
        <source>Connect to Server</source>
        <translation>连接到服务器</translation>
    </message>
    <message>
        <source>Any server that speaks the OpenAI chat API: vLLM, SGLang, Ollama, LM Studio, llama.cpp&apos;s server, transformers serve…</source>
        <translation>任何兼容 OpenAI 对话 API 的服务器均可：vLLM、SGLang、Ollama、LM Studio、llama.cpp 服务器、transformers serve…</translation>
    </message>
    <message>
        <source>Optional; kept in the system keyring</source>
        <translation>可选；保存在系统密钥存储中</translation>
    </message>
    <message>
        <source>The first model the server lists</source>
        <translation>服务器列出的第一个模型</translation>
    </message>
    <message>
        <source>List Models</source>
        <translation>列出模型</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>服务器地址</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Asking {url} for its models…</source>
        <translation>正在向 {url} 获取模型列表…</translation>
    </message>
    <message>
        <source>The server offers {n} models.</source>
        <translation>服务器提供 {n} 个模型。</translation>
    </message>
    <message>
        <source>The server lists no models; type the model&apos;s name.</source>
        <translation>服务器没有列出模型，请输入模型名称。</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Generation</source>
        <translation>生成参数</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Sample (off: always the most likely token)</source>
        <translation>采样（关闭时总是选择概率最高的 token）</translation>
    </message>
    <message>
        <source>Fixed seed</source>
        <translation>固定随机种子</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <source>Automatic: {why}</source>
        <translation>自动：{why}</translation>
    </message>
    <message>
        <source>Automatic: what fits in half of the free memory, up to the model&apos;s maximum (shown here once a model is open).</source>
        <translation>自动：取空闲内存一半所能容纳的长度，不超过模型上限（打开模型后会在这里显示）。</translation>
    </message>
    <message>
        <source>No limit</source>
        <translation>不限制</translation>
    </message>
    <message>
        <source>After this many thinking tokens the model is made to close its thinking and answer, as Answer now does. Models on a server are not limited.</source>
        <translation>思考达到这么多 token 后，模型会被要求结束思考并开始回答，效果与“立即回答”相同。服务器上的模型不受此限制。</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>系统提示词</translation>
    </message>
    <message>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Model defaults</source>
        <translation>模型默认值</translation>
    </message>
    <message>
        <source>Reset to the model&apos;s defaults</source>
        <translation>恢复为模型的默认值</translation>
    </message>
    <message>
        <source>The sampling values in the model&apos;s generation_config.json. DeepSeek recommends temperature 0.6, top-p 0.95 and no system prompt for its R1 distilled models.</source>
        <translation>使用模型 generation_config.json 中的采样参数。DeepSeek 建议其 R1 蒸馏模型使用温度 0.6、top-p 0.95，并且不使用系统提示词。</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <source>Top-p</source>
        <translation>Top-p</translation>
    </message>
    <message>
        <source>Top-k</source>
        <translation>Top-k</translation>
    </message>
    <message>
        <source>Repetition penalty</source>
        <translation>重复惩罚</translation>
    </message>
    <message>
        <source>Maximum reply length (tokens)</source>
        <translation>最大回复长度（token）</translation>
    </message>
    <message>
        <source>Context limit (tokens)</source>
        <translation>上下文上限（token）</translation>
    </message>
    <message>
        <source>Thinking budget (tokens)</source>
        <translation>思考预算（token）</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>NVIDIA GPU (CUDA)</source>
        <translation>NVIDIA GPU（CUDA）</translation>
    </message>
    <message>
        <source>Apple GPU (Metal)</source>
        <translation>Apple GPU（Metal）</translation>
    </message>
    <message>
        <source>Intel GPU (XPU)</source>
        <translation>Intel GPU（XPU）</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>int4 (CPU only, about 3x faster than bfloat16)</source>
        <translation>int4（仅限 CPU，速度约为 bfloat16 的 3 倍）</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Precision</source>
        <translation>精度</translation>
    </message>
    <message>
        <source>Changing these reloads the model. They apply to model folders (transformers); GGUF files run as they are.</source>
        <translation>更改这些设置会重新加载模型。它们只对模型文件夹（transformers）有效；GGUF 文件按原样运行。</translation>
    </message>
    <message>
        <source>Models folder</source>
        <translation>模型文件夹</translation>
    </message>
    <message>
        <source>Display</source>
        <translation>显示</translation>
    </message>
    <message>
        <source>Show the model&apos;s thinking</source>
        <translation>显示模型的思考过程</translation>
    </message>
    <message>
        <source>Keep thinking open when the answer starts</source>
        <translation>开始回答后保持思考过程展开</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>浅色</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>深色</translation>
    </message>
    <message>
        <source>Theme</source>
        <translation>主题</translation>
    </message>
    <message>
        <source>How many answers Generate answers writes at once, as versions of one answer.</source>
        <translation>“生成多个回答”一次生成的回答数量，它们会作为同一个回答的不同版本。</translation>
    </message>
    <message>
        <source>Answers to generate</source>
        <translation>生成的回答数</translation>
    </message>
    <message>
        <source>Takes effect the next time Desktop Chat starts.</source>
        <translation>下次启动 Desktop Chat 时生效。</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Restart Desktop Chat to see the new language.</source>
        <translation>重新启动 Desktop Chat 后将使用新的语言。</translation>
    </message>
    <message>
        <source>Please correct: {problems}</source>
        <translation>请更正：{problems}</translation>
    </message>
    <message>
        <source>; </source>
        <translation>；</translation>
    </message>
    <message>
        <source>Models downloaded with Get a Model go here.</source>
        <translation>通过“获取模型”下载的模型会保存在这里。</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <source>Choose the models folder</source>
        <translation>选择模型文件夹</translation>
    </message>
    <message>
        <source>Models Folder</source>
        <translation>模型文件夹</translation>
    </message>
</context>
<context>
    <name>Sidebar</name>
    <message>
        <source>New chat</source>
        <translation>新对话</translation>
    </message>
    <message>
        <source>Search conversations</source>
        <translation>搜索对话</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>搜索</translation>
    </message>
    <message>
        <source>Conversations</source>
        <translation>对话</translation>
    </message>
    <message>
        <source>Saved by a newer version of Desktop Chat</source>
        <translation>由更新版本的 Desktop Chat 保存</translation>
    </message>
    <message>
        <source>Rename…</source>
        <translation>重命名…</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
</context>
<context>
    <name>StatusBar</name>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Cancel loading</source>
        <translation>取消加载</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <source>No model</source>
        <translation>未加载模型</translation>
    </message>
    <message>
        <source>Model: choose another</source>
        <translation>模型：选择其他模型</translation>
    </message>
    <message>
        <source>Loading {name}…</source>
        <translation>正在加载 {name}…</translation>
    </message>
    <message>
        <source>{why}
Context: {context}</source>
        <translation>{why}
上下文：{context}</translation>
    </message>
    <message>
        <source>{rate:.1f} tokens/s</source>
        <translation>{rate:.1f} token/秒</translation>
    </message>
    <message>
        <source>context {used} / {size}</source>
        <translation>上下文 {used} / {size}</translation>
    </message>
    <message>
        <source>{n} older messages left out to fit</source>
        <translation>已省略 {n} 条较早的消息以放入上下文</translation>
    </message>
    <message>
        <source>Reading the prompt: {done} of {total} tokens</source>
        <translation>正在读取提示词：{done} / {total} 个 token</translation>
    </message>
    <message>
        <source>Conversation deleted.</source>
        <translation>对话已删除。</translation>
    </message>
</context>
<context>
    <name>ThinkingPanel</name>
    <message>
        <source>Answer now</source>
        <translation>立即回答</translation>
    </message>
    <message>
        <source>Stop thinking and answer now</source>
        <translation>停止思考，立即回答</translation>
    </message>
    <message>
        <source>End the thinking here: the model writes its answer from what it has thought so far.</source>
        <translation>在此结束思考：模型将根据目前的思考内容写出回答。</translation>
    </message>
    <message>
        <source>Thinking…</source>
        <translation>正在思考…</translation>
    </message>
    <message>
        <source>Answering…</source>
        <translation>正在回答…</translation>
    </message>
    <message>
        <source>Thoughts</source>
        <translation>思考过程</translation>
    </message>
    <message>
        <source>Thought for 1 second</source>
        <translation>已思考 1 秒</translation>
    </message>
    <message>
        <source>Thought for {n} seconds</source>
        <translation>已思考 {n} 秒</translation>
    </message>
    <message>
        <source> (stopped while thinking)</source>
        <translation>（思考时已停止）</translation>
    </message>
    <message>
        <source> (ended early with Answer now)</source>
        <translation>（已通过“立即回答”提前结束）</translation>
    </message>
    <message>
        <source> (ended at the thinking budget)</source>
        <translation>（已达到思考预算而结束）</translation>
    </message>
</context>
<context>
    <name>UnsavedOnCloseDialog</name>
    <message>
        <source>{n} conversation(s) could not be saved.</source>
        <translation>有 {n} 个对话无法保存。</translation>
    </message>
    <message>
        <source>If you quit now, what was not saved is lost.</source>
        <translation>如果现在退出，未保存的内容将会丢失。</translation>
    </message>
    <message>
        <source>Keep Window Open</source>
        <translation>保持窗口打开</translation>
    </message>
    <message>
        <source>Save a Copy…</source>
        <translation>另存副本…</translation>
    </message>
    <message>
        <source>Quit Anyway</source>
        <translation>仍然退出</translation>
    </message>
</context>
<context>
    <name>UserMessageWidget</name>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy message</source>
        <translation>复制消息</translation>
    </message>
</context>
<context>
    <name>VersionSwitcher</name>
    <message>
        <source>Previous version</source>
        <translation>上一个版本</translation>
    </message>
    <message>
        <source>Next version</source>
        <translation>下一个版本</translation>
    </message>
    <message>
        <source>Version {index} of {count}</source>
        <translation>第 {index} 版，共 {count} 版</translation>
    </message>
</context>
<context>
    <name>crash</name>
    <message>
        <source>Something went wrong inside Desktop Chat: {error}</source>
        <translation>Desktop Chat 内部出错：{error}</translation>
    </message>
    <message>
        <source>The details were written to {path}; please include that file if you report the problem.</source>
        <translation>详细信息已写入 {path}；报告问题时请附上该文件。</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Your conversations are saved.</source>
        <translation>你的对话已保存。</translation>
    </message>
</context>
<context>
    <name>messages</name>
    <message>
        <source>{url} (not opened: not a web or mail link)</source>
        <translation>{url}（未打开：不是网页或邮件链接）</translation>
    </message>
</context>
</TS>
