/** Every scenario module registers itself on import; the order here is the run order. */
import './log';
import './peers';
import './scaling';
