/**
 * Reference data: the AWS-owned ECR registries and repository names of the
 * SageMaker framework containers for PyTorch, Scikit-learn, Chainer and
 * SageMaker Reinforcement Learning (RL).
 *
 * ## What the SageMaker documentation says
 *
 * Page: "Run Training and Inference Containers in Internet-Free Mode"
 * (https://docs.aws.amazon.com/sagemaker/latest/dg/mkt-algo-model-internet-free.html).
 *
 * Current wording:
 *
 * > The following managed SageMaker AI containers do not support network
 * > isolation because they require access to Amazon S3:
 * >
 * > - Chainer
 * > - SageMaker AI Reinforcement Learning
 *
 * An earlier revision of the same page (awsdocs/amazon-sagemaker-developer-guide,
 * doc_source/mkt-algo-model-internet-free.md) also listed PyTorch and
 * Scikit-learn:
 *
 * > The following managed SageMaker containers do not support network
 * > isolation because they require access to Amazon S3:
 * > Chainer, PyTorch, Scikit-learn, SageMaker Reinforcement Learning
 *
 * The oldest revision (same repository, commit
 * 15874293e6472d70351601fb9d74883956fd744a) read: "Network isolation is not
 * supported by the following managed Amazon SageMaker containers as they
 * require access to Amazon S3: TensorFlow, Chainer, PyTorch, Scikit-learn,
 * Amazon SageMaker Reinforcement Learning, Semantic Segmentation Algorithm".
 *
 * This module keeps PyTorch and Scikit-learn in the lists. The current page no
 * longer names them, so a caller that flags them should treat the match as
 * advisory.
 *
 * ## Where the registries and repositories come from
 *
 * All data comes from the SageMaker Python SDK (github.com/aws/sagemaker-python-sdk)
 * image URI config files:
 *
 * - sagemaker-core/src/sagemaker/core/image_uri_config/pytorch.json
 *   (commit 04142370c66a6f6b7c540e73e75ac019a26580da; the newest copy found;
 *   training up to 2.10.0)
 * - sagemaker-core/src/sagemaker/core/image_uri_config/sklearn.json
 *   (commit 26a9d211ab775a3c08bc75c2d5174e5e7b37762b)
 * - src/sagemaker/image_uri_config/pytorch.json and sklearn.json (older
 *   revisions; these hold no accounts missing from the files above)
 * - src/sagemaker/image_uri_config/chainer.json
 * - src/sagemaker/image_uri_config/coach-tensorflow.json, coach-mxnet.json,
 *   ray-tensorflow.json, ray-pytorch.json, vw.json (the RL families)
 *
 * The DLC account list also matches the region table in
 * aws/deep-learning-containers available_images.md.
 *
 * An account id alone does NOT identify an image as non-isolatable.
 * 763104351884 and the other DLC accounts also serve TensorFlow, MXNet,
 * HuggingFace and other images. The Scikit-learn accounts (such as
 * 683313688378 in us-east-1) also serve XGBoost and other first-party images.
 * Always match the account AND the repository name.
 */

/**
 * Every AWS-owned ECR registry account that serves the PyTorch, Scikit-learn,
 * Chainer or SageMaker RL images, in any region. This is the union over all
 * `registries` maps in the SDK files listed at the top of this module:
 * pytorch.json, sklearn.json, chainer.json, coach-tensorflow.json,
 * coach-mxnet.json, ray-tensorflow.json, ray-pytorch.json and vw.json.
 * Deduplicated and sorted.
 */
export const AWS_IMAGE_REGISTRY_ACCOUNTS: readonly string[] = [
  "048378556238", // legacy: eu-south-1
  "057415533634", // legacy: ap-east-1
  "094389454867", // DLC: us-isob-east-1
  "104374241257", // sklearn: eu-south-2
  "106583098589", // sklearn: ap-southeast-4
  "108575199400", // sklearn: us-isof-east-1
  "121021644041", // sklearn: ap-southeast-1
  "124382933778", // DLC: me-west-1
  "124985052026", // sklearn: us-isof-south-1
  "141502667606", // sklearn: eu-west-1
  "190319476487", // sklearn: ca-west-1
  "204133271717", // DLC: eusc-de-east-1
  "204538143572", // DLC: ca-west-1
  "217643126080", // DLC: me-south-1
  "237065988967", // sklearn: us-gov-east-1
  "246618743249", // sklearn: us-west-2
  "246785580436", // legacy: us-gov-west-1
  "257758044811", // sklearn: us-east-2
  "272398656194", // sklearn: me-central-1
  "281123927165", // sklearn: us-isob-east-1
  "303241398832", // DLC: us-isof-east-1
  "313743910680", // legacy: af-south-1
  "341280168497", // sklearn: ca-central-1
  "354813040037", // sklearn: ap-northeast-1
  "364406365360", // DLC: ap-northeast-3 (also listed for ap-northeast-3 in legacy chainer/coach/ray/vw entries)
  "366743142698", // sklearn: ap-northeast-2
  "371248457586", // DLC: eu-isoe-west-1
  "380420809688", // DLC: eu-central-2
  "414596584902", // sklearn: us-gov-west-1
  "422961961927", // legacy: cn-north-1
  "423003514399", // legacy: cn-northwest-1
  "442386744353", // DLC: us-gov-west-1
  "446045086412", // DLC: us-gov-east-1
  "450853457545", // sklearn: cn-north-1
  "451049120500", // sklearn: cn-northwest-1
  "453391408702", // legacy sagemaker-pytorch: us-isob-east-1
  "454834333376", // DLC: us-isof-south-1
  "457447274322", // DLC: ap-southeast-4
  "462105765813", // RL: sagemaker-rl-coach-container / -ray-container / -vw-container
  "492215442770", // sklearn: eu-central-1
  "503227376785", // DLC: eu-south-2
  "510948584623", // sklearn: af-south-1
  "520713654638", // legacy sagemaker-pytorch / sagemaker-chainer / sagemaker-rl-{tensorflow,mxnet}: most commercial regions
  "550225433462", // DLC: ap-southeast-5
  "590183813437", // DLC: ap-southeast-7
  "626614931356", // DLC: af-south-1
  "628508329040", // sklearn: ap-south-2
  "633930458069", // DLC: ap-southeast-6
  "637423239942", // DLC: mx-central-1
  "651117190479", // sklearn: ap-east-1
  "659782779980", // sklearn: eu-west-3
  "662702820516", // sklearn: eu-north-1
  "680994064768", // sklearn: eu-central-2
  "683313688378", // sklearn: us-east-1
  "692866216735", // DLC: eu-south-1
  "720646828776", // sklearn: ap-south-1
  "724002660598", // legacy: me-south-1
  "727897471807", // DLC: cn-north-1, cn-northwest-1
  "737474898029", // sklearn: sa-east-1
  "744548109606", // legacy: us-iso-east-1
  "746614075791", // sklearn: us-west-1
  "763104351884", // DLC: pytorch-* in most commercial regions
  "764974769150", // sklearn: eu-west-2
  "772153158452", // DLC: ap-south-2
  "780543022126", // DLC: il-central-1
  "783357654285", // sklearn: ap-southeast-2
  "801668240914", // sklearn: me-south-1
  "833128469047", // sklearn: us-iso-east-1
  "867004704886", // sklearn: ap-northeast-3
  "871362719292", // DLC: ap-east-1
  "886529160074", // DLC: us-iso-east-1
  "898809789911", // sklearn: il-central-1
  "907027046896", // DLC: ap-southeast-3
  "914824155844", // DLC: me-central-1
  "951798379941", // sklearn: ap-southeast-3
  "975050140332", // DLC: ap-east-2
  "978288397137", // sklearn: eu-south-1
];

/**
 * Repository-name patterns (picomatch glob syntax) for the framework images
 * above. The names are exactly as written in the `repository` fields of the
 * SDK config files:
 *
 * - pytorch.json: `pytorch-training`, `pytorch-inference`,
 *   `pytorch-inference-eia`, `pytorch-inference-graviton`,
 *   `pytorch-inference-arm64`, and `sagemaker-pytorch` (legacy images before
 *   PyTorch 1.2).
 * - sklearn.json: `sagemaker-scikit-learn`.
 * - chainer.json: `sagemaker-chainer`.
 * - RL files: `sagemaker-rl-tensorflow` (coach-tensorflow.json,
 *   ray-tensorflow.json), `sagemaker-rl-mxnet` (coach-mxnet.json),
 *   `sagemaker-rl-coach-container` (coach-tensorflow.json),
 *   `sagemaker-rl-ray-container` (ray-tensorflow.json, ray-pytorch.json), and
 *   `sagemaker-rl-vw-container` (vw.json). The single glob `sagemaker-rl-*`
 *   matches all of them.
 *
 * pytorch.json has no Neuron, training-compiler or SMP repositories. Those
 * live in other SDK files (pytorch-neuron.json,
 * pytorch-training-compiler.json, pytorch-smp.json), so they are not
 * included here.
 */
export const NON_ISOLATABLE_FRAMEWORK_REPOSITORIES: readonly string[] = [
  "pytorch-inference",
  "pytorch-inference-arm64",
  "pytorch-inference-eia",
  "pytorch-inference-graviton",
  "pytorch-training",
  "sagemaker-chainer",
  "sagemaker-pytorch",
  "sagemaker-rl-*",
  "sagemaker-scikit-learn",
];
