SITEGEN_SEARCH_CHUNK("w/6c-6f",{"lost":"3","low":"0","lower":"3","lowresource":"0"});
